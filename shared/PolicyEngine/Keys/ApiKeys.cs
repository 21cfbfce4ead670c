using System.Security.Cryptography;

namespace Portcullis.PolicyEngine.Keys;

/// <summary>Makes new API keys: <c>ptc_</c> and 32 base-62 characters (about 190 bits from a CSPRNG).</summary>
public static class ApiKeys
{
    /// <summary>The prefix every Portcullis key starts with, so leaked keys are easy to find.</summary>
    public const string Prefix = "ptc_";

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>A new random key.</summary>
    public static string Generate() => Prefix + RandomNumberGenerator.GetString(Alphabet, 32);
}
