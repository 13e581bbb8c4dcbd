namespace UpdateBot.TestSupport;

/// <summary>Fixture teardown: disposes parts in the order given (clients before servers), skipping any never started.</summary>
public static class AsyncDisposables
{
    public static async Task DisposeInOrderAsync(params IAsyncDisposable?[] parts)
    {
        foreach (var part in parts)
        {
            if (part is not null)
            {
                await part.DisposeAsync();
            }
        }
    }
}
