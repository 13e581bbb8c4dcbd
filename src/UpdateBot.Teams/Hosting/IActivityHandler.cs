using UpdateBot.Teams.Schema;

namespace UpdateBot.Teams.Hosting;

/// <summary>
/// What the application does with one authenticated, de-duplicated activity. The endpoint owns HTTP;
/// the handler returns a result (the dispatcher returns a result; the endpoint writes HTTP).
/// </summary>
public interface IActivityHandler
{
    /// <returns>
    /// For an <c>invoke</c>: the invoke response to write as the HTTP body (null → 200 with an empty body).
    /// For anything else: null (the endpoint answers 200).
    /// </returns>
    Task<InvokeResponse?> HandleAsync(Activity activity, CancellationToken cancellationToken);
}
