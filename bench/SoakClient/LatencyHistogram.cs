using System.Numerics;

namespace Portcullis.Soak;

/// <summary>
/// A lock-free log-linear histogram of microseconds (HdrHistogram's layout, 64 sub-buckets per power of two:
/// under 1.6 % error). Recording is one <see cref="Interlocked.Increment(ref long)"/>; counts only grow,
/// so an interval is the difference of two snapshots.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int Linear = 128;
    private const int SubBuckets = 64;
    private const int MaxExponent = 40; // 2^40 µs is 12 days: nothing is slower.

    private readonly long[] _counts = new long[Linear + ((MaxExponent - 6) * SubBuckets)];

    public void Record(long microseconds) => Interlocked.Increment(ref _counts[IndexOf(Math.Max(0, microseconds))]);

    public long[] Snapshot()
    {
        long[] copy = new long[_counts.Length];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = Volatile.Read(ref _counts[i]);
        }

        return copy;
    }

    /// <summary>The value at <paramref name="percentile"/> of the counts <paramref name="to"/> minus <paramref name="from"/>, in ms.</summary>
    public static double PercentileMs(long[] to, long[]? from, double percentile)
    {
        long total = 0;
        for (int i = 0; i < to.Length; i++)
        {
            total += to[i] - (from?[i] ?? 0);
        }

        if (total == 0)
        {
            return double.NaN;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(total * percentile / 100));
        long seen = 0;
        for (int i = 0; i < to.Length; i++)
        {
            seen += to[i] - (from?[i] ?? 0);
            if (seen >= rank)
            {
                return UpperBoundOf(i) / 1000.0;
            }
        }

        return double.NaN;
    }

    private static int IndexOf(long value)
    {
        if (value < Linear)
        {
            return (int)value;
        }

        int exponent = Math.Min(BitOperations.Log2((ulong)value), MaxExponent - 1);
        int shift = exponent - 6;
        long mantissa = Math.Min(value >> shift, (2 * SubBuckets) - 1);
        return Linear + ((exponent - 7) * SubBuckets) + (int)(mantissa - SubBuckets);
    }

    private static long UpperBoundOf(int index)
    {
        if (index < Linear)
        {
            return index;
        }

        int exponent = ((index - Linear) / SubBuckets) + 7;
        long mantissa = ((index - Linear) % SubBuckets) + SubBuckets;
        return ((mantissa + 1) << (exponent - 6)) - 1;
    }
}
