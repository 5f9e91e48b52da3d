namespace CallCenter.Core.Acd;

/// <summary>
/// The callers in one queue's line, in the order they are served: priority first (higher first), then arrival.
/// A sorted array rather than a tree: lines are tens to a few thousand long, the router walks them from the head on
/// every decision and a <see cref="SortedSet{T}"/> enumerator allocates its stack each time, while an array walk
/// allocates nothing and finds a caller's place by binary search. Insertion and removal move the tail, which at
/// these lengths costs less than a tree's rebalancing. Serial context only.
/// </summary>
internal sealed class AcdLine
{
    private readonly List<AcdCaller> _callers = [];

    public int Count => _callers.Count;

    public AcdCaller this[int index] => _callers[index];

    public List<AcdCaller>.Enumerator GetEnumerator() => _callers.GetEnumerator();

    public void Add(AcdCaller caller)
    {
        var index = _callers.BinarySearch(caller, LineOrder.Instance);
        if (index >= 0)
        {
            throw new InvalidOperationException($"Caller {caller.Id} is already in line.");
        }

        _callers.Insert(~index, caller);
    }

    public bool Remove(AcdCaller caller)
    {
        var index = _callers.BinarySearch(caller, LineOrder.Instance);
        if (index < 0 || !ReferenceEquals(_callers[index], caller))
        {
            return false;
        }

        _callers.RemoveAt(index);
        return true;
    }

    /// <summary>1-based place in line; one past the end for a caller not in it.</summary>
    public int PositionOf(AcdCaller caller)
    {
        var index = _callers.BinarySearch(caller, LineOrder.Instance);
        return index >= 0 ? index + 1 : _callers.Count + 1;
    }

    public int CountWhere(Func<AcdCaller, bool> predicate)
    {
        var count = 0;
        foreach (var caller in _callers)
        {
            count += predicate(caller) ? 1 : 0;
        }

        return count;
    }

    public void CopyTo(List<AcdCaller> target) => target.AddRange(_callers);

    /// <summary>Priority first, then arrival order; sequences are unique, so two callers never compare equal.</summary>
    private sealed class LineOrder : IComparer<AcdCaller>
    {
        public static readonly LineOrder Instance = new();

        public int Compare(AcdCaller? x, AcdCaller? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            var c = y!.Priority.CompareTo(x!.Priority);
            return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
        }
    }
}
