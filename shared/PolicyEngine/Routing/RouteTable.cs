using System.Collections.Frozen;
using Portcullis.PolicyEngine.Policy;

namespace Portcullis.PolicyEngine.Routing;

/// <summary>
/// The compiled route table: a segment trie walked depth-first in ESPv2's precedence
/// (exact segment, then <c>*</c>, then <c>**</c>), case-sensitive, with one optional trailing slash.
/// Templates with a custom verb (<c>/book:read</c>) live in a trie of their own per verb; as in
/// ESPv2's generated routes (<c>^/book\/?:read$</c>) the optional slash sits before the verb, and a
/// verb route outranks a wildcard that would take the colon as data (<c>/some/*:verb</c> before
/// <c>/some/*</c>, ESPv2 path_matcher_test.cc). Built once per config; <see cref="TryMatch"/>
/// allocates nothing for paths without a configured verb.
/// </summary>
public sealed class RouteTable
{
    private readonly Node _root;
    private readonly FrozenDictionary<string, Node>.AlternateLookup<ReadOnlySpan<char>> _verbRoots;
    private readonly bool _hasVerbs;

    /// <summary>Builds the table. Operations must not conflict (the compiler checks).</summary>
    public RouteTable(IEnumerable<ApiOperation> operations)
    {
        var root = new NodeBuilder();
        var verbRoots = new Dictionary<string, NodeBuilder>(StringComparer.Ordinal);
        foreach (ApiOperation operation in operations)
        {
            string? verb = operation.Template.Verb;
            NodeBuilder node = verb is null ? root : (verbRoots.TryGetValue(verb, out NodeBuilder? v) ? v : verbRoots[verb] = new NodeBuilder());
            foreach (TemplateSegment segment in operation.Template.Segments)
            {
                node = node.Child(segment);
            }

            node.Template ??= operation.Template;
            node.Operations.Add(operation);
        }

        _root = root.Build();
        _hasVerbs = verbRoots.Count > 0;
        _verbRoots = verbRoots.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.Build(), StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Looks up <paramref name="method"/> on the normalized <paramref name="path"/>.</summary>
    public RouteMatch TryMatch(string method, string path)
    {
        var match = new RouteMatch { Path = path, Outcome = RouteOutcome.NoRoute };
        if (_hasVerbs && TryMatchVerb(method, path, ref match))
        {
            return match;
        }

        Walk(_root, method, path, 1, 0, ref match);
        return match;
    }

    // ESPv2 (ExtractRequestParts): the verb is what follows the last ':' when no '/' comes after it,
    // and only a verb some template declares counts as one.
    private bool TryMatchVerb(string method, string path, ref RouteMatch match)
    {
        int colon = path.LastIndexOf(':');
        if (colon <= 0 || path.IndexOf('/', colon) >= 0
            || !_verbRoots.TryGetValue(path.AsSpan(colon + 1), out Node? verbRoot))
        {
            return false;
        }

        // Captures are ranges of the prefix, which are the same ranges of the whole path.
        string prefix = path[..colon];
        return Walk(verbRoot, method, prefix, 1, 0, ref match);
    }

    // pos is where the next segment starts; pos == path.Length means only the optional trailing
    // slash is left, pos > path.Length means the whole path was consumed.
    private static bool Walk(Node node, string method, string path, int pos, int captures, ref RouteMatch match) =>
        TryOperations(node, method, path, pos, captures, ref match)
        || WalkChildren(node, method, path, pos, captures, ref match);

    private static bool TryOperations(Node node, string method, string path, int pos, int captures, ref RouteMatch match)
    {
        if (pos < path.Length || node.Operations is null)
        {
            return false;
        }

        foreach (ApiOperation operation in node.Operations)
        {
            if (ReferenceEquals(operation.Method, method) || string.Equals(operation.Method, method, StringComparison.Ordinal))
            {
                match.Outcome = RouteOutcome.Matched;
                match.Operation = operation;
                match.Template = operation.Template;
                match.CaptureCount = captures;
                return true;
            }
        }

        if (match.Outcome == RouteOutcome.NoRoute)
        {
            match.Outcome = RouteOutcome.MethodNotAllowed;
            match.Template = node.Template;
        }

        return false;
    }

    private static bool WalkChildren(Node node, string method, string path, int pos, int captures, ref RouteMatch match)
    {
        if (pos > path.Length)
        {
            return false;
        }

        int end = path.IndexOf('/', pos);
        if (end < 0)
        {
            end = path.Length;
        }

        if (end > pos)
        {
            if (node.HasLiterals
                && node.Literals.TryGetValue(path.AsSpan(pos, end - pos), out Node? literal)
                && Walk(literal, method, path, end + 1, captures, ref match))
            {
                return true;
            }

            if (node.Single is not null)
            {
                match.SetCapture(captures, pos..end);
                if (Walk(node.Single, method, path, end + 1, captures + 1, ref match))
                {
                    return true;
                }
            }
        }

        if (node.Multi is not null)
        {
            // Greedy, as ESPv2's ".*": the longest run of segments first, then shorter ones,
            // down to the single segment that ends at `end`. What follows a '**' outranks the
            // '**' itself (ESPv2 sort_impl.go: "/**/a" before "/**"), so every split is tried
            // for the segments after it before the '**' may take the rest of the path.
            int stop = path.Length;
            while (stop >= end)
            {
                match.SetCapture(captures, pos..stop);
                if (WalkChildren(node.Multi, method, path, stop + 1, captures + 1, ref match))
                {
                    return true;
                }

                if (stop == end)
                {
                    break;
                }

                stop = path.LastIndexOf('/', stop - 1);
            }

            // ESPv2 binds "a/b" for both ".../a/b/" and ".../a/b///": the request's trailing slash
            // (merged to one by the normalizer) is not part of the value.
            int last = path.Length > pos && path[^1] == '/' ? path.Length - 1 : path.Length;
            match.SetCapture(captures, pos..last);
            if (TryOperations(node.Multi, method, path, path.Length + 1, captures + 1, ref match))
            {
                return true;
            }
        }

        return false;
    }

    private sealed class Node
    {
        public FrozenDictionary<string, Node>.AlternateLookup<ReadOnlySpan<char>> Literals;
        public bool HasLiterals;
        public Node? Single;
        public Node? Multi;
        public ApiOperation[]? Operations;
        public PathTemplate? Template;
    }

    private sealed class NodeBuilder
    {
        private readonly Dictionary<string, NodeBuilder> _literals = new(StringComparer.Ordinal);
        private NodeBuilder? _single;
        private NodeBuilder? _multi;

        public List<ApiOperation> Operations { get; } = [];

        public PathTemplate? Template { get; set; }

        public NodeBuilder Child(TemplateSegment segment)
        {
            switch (segment.Kind)
            {
                case SegmentKind.Literal:
                    if (!_literals.TryGetValue(segment.Text!, out NodeBuilder? child))
                    {
                        child = new NodeBuilder();
                        _literals.Add(segment.Text!, child);
                    }

                    return child;
                case SegmentKind.Single:
                    return _single ??= new NodeBuilder();
                default:
                    return _multi ??= new NodeBuilder();
            }
        }

        public Node Build() => new()
        {
            Literals = _literals.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.Build(), StringComparer.Ordinal)
                .GetAlternateLookup<ReadOnlySpan<char>>(),
            HasLiterals = _literals.Count > 0,
            Single = _single?.Build(),
            Multi = _multi?.Build(),
            Operations = Operations.Count == 0 ? null : [.. Operations],
            Template = Template,
        };
    }
}
