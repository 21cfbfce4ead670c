namespace Portcullis.Testing;

/// <summary>RFC 4648 §5 base64url without padding, as JWTs use.</summary>
internal static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> data) => System.Buffers.Text.Base64Url.EncodeToString(data);

    /// <summary>Decodes without throwing on malformed input (a validator is fed untrusted text).</summary>
    public static bool TryDecode(string text, out byte[] data)
    {
        if (!System.Buffers.Text.Base64Url.IsValid(text))
        {
            data = [];
            return false;
        }

        data = System.Buffers.Text.Base64Url.DecodeFromChars(text);
        return true;
    }
}
