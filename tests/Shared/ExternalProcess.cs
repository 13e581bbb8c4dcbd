using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace UpdateBot.TestSupport;

/// <summary>
/// A child process (node tools) whose output is captured line by line, so that start-up can be awaited on a line
/// instead of a sleep, and whose whole process tree is killed on dispose.
/// </summary>
public sealed class ExternalProcess : IAsyncDisposable
{
    private const int MaxLines = 2000;
    private readonly Process process;
    private readonly Lock gate = new();
    private readonly List<string> lines = [];
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Signal)> lineWaiters = [];
    private readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ExternalProcess(Process process, string name)
    {
        this.process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => process.Id;

    public bool HasExited => exited.Task.IsCompleted;

    public static ExternalProcess Start(
        string name,
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var result = new ExternalProcess(process, name);
        process.OutputDataReceived += (_, e) => result.OnLine(e.Data, "out");
        process.ErrorDataReceived += (_, e) => result.OnLine(e.Data, "err");
        process.Exited += (_, _) => result.OnExited();
        if (!process.Start())
        {
            throw new InvalidOperationException($"{name}: could not start {fileName}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Waits for an output line (stdout or stderr) matching <paramref name="pattern"/>; fails fast if the process exits.</summary>
    public async Task<Match> WaitForLineAsync(Regex pattern, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<Match> signal;
        lock (gate)
        {
            foreach (var line in lines)
            {
                var match = pattern.Match(line);
                if (match.Success)
                {
                    return match;
                }
            }

            signal = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
            lineWaiters.Add((pattern, signal));
        }

        try
        {
            await Task.WhenAny(signal.Task, exited.Task).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"{Name}: no output line matching /{pattern}/ within {timeout.TotalSeconds:0} s. Output so far:\n{Tail()}");
        }

        if (signal.Task.IsCompletedSuccessfully)
        {
            return await signal.Task.ConfigureAwait(false);
        }

        throw new InvalidOperationException(
            $"{Name}: exited with code {exited.Task.Result} before printing a line matching /{pattern}/. Output:\n{Tail()}");
    }

    /// <summary>The last <paramref name="count"/> output lines, for failure messages.</summary>
    public string Tail(int count = 40)
    {
        lock (gate)
        {
            return string.Join('\n', lines.Skip(Math.Max(0, lines.Count - count)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Do not hang the test run on a process that refuses to die.
            }
        }

        process.Dispose();
    }

    private void OnLine(string? line, string stream)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            lines.Add(stream == "err" ? "[stderr] " + line : line);
            if (lines.Count > MaxLines)
            {
                lines.RemoveRange(0, lines.Count - MaxLines);
            }

            for (var i = lineWaiters.Count - 1; i >= 0; i--)
            {
                var match = lineWaiters[i].Pattern.Match(line);
                if (match.Success)
                {
                    lineWaiters[i].Signal.TrySetResult(match);
                    lineWaiters.RemoveAt(i);
                }
            }
        }
    }

    private void OnExited()
    {
        int code;
        try
        {
            code = process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }

        exited.TrySetResult(code);
    }
}
