namespace Portcullis.Gateway.Authentication;

/// <summary>Why a token (or a request's set of tokens) was refused: an Envoy text and its status.</summary>
internal readonly record struct JwtFailure(string Message, int Status = 401)
{
    public static readonly JwtFailure Missing = new(JwtMessages.Missing);

    public static readonly JwtFailure UnknownIssuer = new(JwtMessages.UnknownIssuer);

    /// <summary>
    /// Envoy's choice among the failures of OR-ed providers (<c>verifier.cc</c> AnyVerifierImpl):
    /// a real error beats "issuer is not configured", which beats "is missing".
    /// </summary>
    public int Rank => Message switch
    {
        JwtMessages.Missing => 0,
        JwtMessages.UnknownIssuer => 1,
        _ => 2,
    };
}
