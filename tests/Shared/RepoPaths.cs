namespace UpdateBot.TestSupport;

/// <summary>Finds the repository root (for <c>node_modules</c> and <c>tools/</c>) without depending on the working directory.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The repository root: env <c>UPDATEBOT_REPO_ROOT</c>, else the nearest ancestor of the test binaries holding <c>UpdateBot.sln</c>.</summary>
    public static string Root => LazyRoot.Value;

    public static string NodeModules => Path.Combine(Root, "node_modules");

    public static string NodeBin(string name) => Path.Combine(NodeModules, ".bin", name);

    private static string FindRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("UPDATEBOT_REPO_ROOT");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return Path.GetFullPath(fromEnv);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "UpdateBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"Cannot find the repository root (UpdateBot.sln) above {AppContext.BaseDirectory}; set UPDATEBOT_REPO_ROOT.");
    }

    /// <summary>Resolves a tool from <c>node_modules/.bin</c> or fails with a message saying how to install it.</summary>
    public static string RequireNodeBin(string name)
    {
        var path = NodeBin(name);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{path} not found. Install the pinned npm tools first: (cd {Root} && npm ci).");
        }

        return path;
    }
}
