namespace Portcullis.Gateway.Sources;

/// <summary>
/// The current snapshot of something that is reloaded (compiled config, keyring). Readers take
/// <see cref="Current"/> once per request and never lock; a reload swaps the reference, so a
/// request in flight finishes on the snapshot it started with.
/// </summary>
internal sealed class Live<T>
    where T : class
{
    private volatile T? _current;

    public Live(T? initial = null) => _current = initial;

    public T? Current => _current;

    public void Swap(T value) => _current = value;
}
