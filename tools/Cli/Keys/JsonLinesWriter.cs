using System.Text;

namespace Portcullis.Cli.Keys;

/// <summary>Writes JSON lines to <see cref="Console.Out"/> in blocks: a million lines would otherwise be a million console writes.</summary>
internal sealed class JsonLinesWriter
{
    private readonly StringBuilder _block = new();

    public void Write(string line)
    {
        _block.Append(line).Append('\n');
        if (_block.Length > 256 * 1024)
        {
            Flush();
        }
    }

    public void Flush()
    {
        Console.Out.Write(_block.ToString());
        Console.Out.Flush();
        _block.Clear();
    }
}
