namespace Portcullis.Soak;

/// <summary>One kind of request in the mix: a prebuilt URI (so sending allocates no string) and the status it must get.</summary>
internal sealed record RequestKind(string Name, Uri Uri, int ExpectedStatus, int Percent)
{
    /// <summary>Mostly valid-key reads, with the rejections a public API sees every minute.</summary>
    public static RequestKind[] Mix(Uri baseAddress, string key) =>
    [
        new("valid key", new Uri(baseAddress, $"/things?key={key}"), 200, 90),
        new("no key", new Uri(baseAddress, "/things"), 401, 4),
        new("unknown path", new Uri(baseAddress, $"/nothing-here?key={key}"), 404, 3),
        new("invalid key", new Uri(baseAddress, "/things?key=ptc_invalid0000000000000000000000000000"), 400, 3),
    ];

    /// <summary>
    /// A 100-slot schedule, shuffled with a fixed seed, so request i is always the same kind
    /// and the rejections are spread through every interval rather than bunched.
    /// </summary>
    public static int[] Schedule(RequestKind[] kinds)
    {
        var slots = new List<int>(100);
        for (int kind = 0; kind < kinds.Length; kind++)
        {
            slots.AddRange(Enumerable.Repeat(kind, kinds[kind].Percent));
        }

        if (slots.Count != 100)
        {
            throw new InvalidOperationException("The mix must add up to 100 %.");
        }

        int[] schedule = [.. slots];
#pragma warning disable CA5394 // A fixed, reproducible shuffle; nothing here is security-sensitive.
        new Random(20260101).Shuffle(schedule);
#pragma warning restore CA5394
        return schedule;
    }
}
