using System.Globalization;
using CallCenter.Core.Configuration;
using Dapper;

namespace CallCenter.Core.Storage.Acd;

/// <summary>
/// KPIs computed from the stored queue events and agent state log: per queue, per agent, per interval. Reads only;
/// synchronous like the rest of Storage (Microsoft.Data.Sqlite has no real async I/O), so call it off any loop.
/// The live numbers (longest wait now, who is waiting) come from the router's snapshot, not from here.
/// </summary>
public sealed class AcdKpiQueries
{
    private readonly Database _database;

    internal AcdKpiQueries(Database database) => _database = database;

    public static string DescribeFormula(ServiceLevelFormula formula, TimeSpan threshold)
    {
        var t = threshold.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
        return formula switch
        {
            ServiceLevelFormula.Answered => $"answered within {t} s / answered",
            ServiceLevelFormula.Offered => $"answered within {t} s / offered",
            ServiceLevelFormula.OfferedExcludingShortAbandons => $"answered within {t} s / (offered - abandoned within {t} s)",
            ServiceLevelFormula.ShortAbandonsMet => $"(answered within {t} s + abandoned within {t} s) / offered",
            _ => throw new ArgumentOutOfRangeException(nameof(formula), formula, null),
        };
    }

    /// <param name="queue">The queue's settings: its name, service-level threshold and formula.</param>
    /// <param name="shortAbandon">What "abandoned within the first N seconds" counts.</param>
    public QueueKpis ForQueue(QueueOptions queue, DateTimeOffset from, DateTimeOffset to, TimeSpan shortAbandon)
    {
        ArgumentNullException.ThrowIfNull(queue);
        using var connection = _database.OpenConnection();
        var rows = connection.Query<(string CallerId, string Event, long? WaitMs, long? TalkMs, long? HoldMs, long? WrapMs, string? Data)>(
            "SELECT caller_id, event, wait_ms, talk_ms, hold_ms, wrap_ms, data FROM acd_queue_events " +
            "WHERE queue = @Queue AND caller_id IN (SELECT caller_id FROM acd_queue_events " +
            "WHERE queue = @Queue AND event = 'ENTERQUEUE' AND event_utc >= @From AND event_utc < @To) ORDER BY id;",
            new { Queue = queue.Name, From = AcdTime.Format(from), To = AcdTime.Format(to) });
        var refused = connection.ExecuteScalar<int>(
            "SELECT COUNT(*) FROM acd_queue_events WHERE queue = @Queue AND event IN ('FULL', 'JOINEMPTY') AND event_utc >= @From AND event_utc < @To;",
            new { Queue = queue.Name, From = AcdTime.Format(from), To = AcdTime.Format(to) });

        var threshold = queue.ServiceLevelThreshold;
        var callers = new Dictionary<string, CallerOutcome>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!callers.TryGetValue(row.CallerId, out var outcome))
            {
                outcome = new CallerOutcome();
                callers.Add(row.CallerId, outcome);
            }

            var type = AcdQueueEventTypeText.Parse(row.Event);
            var wait = TimeSpan.FromMilliseconds(row.WaitMs ?? 0);
            switch (type)
            {
                case AcdQueueEventType.CallbackRequest:
                    outcome.Callback = true;
                    break;
                case AcdQueueEventType.CompleteAgent or AcdQueueEventType.CompleteCaller:
                    outcome.Handle += TimeSpan.FromMilliseconds((row.TalkMs ?? 0) + (row.HoldMs ?? 0));
                    outcome.Completed = true;
                    break;
                case AcdQueueEventType.WrapUpEnd:
                    outcome.Handle += TimeSpan.FromMilliseconds(row.WrapMs ?? 0);
                    break;
                case AcdQueueEventType.Connect or AcdQueueEventType.Abandon or AcdQueueEventType.ExitWithTimeout
                    or AcdQueueEventType.ExitEmpty or AcdQueueEventType.ExitWithKey or AcdQueueEventType.CallbackFailed
                    when outcome.End is null:
                    outcome.End = type;
                    outcome.Wait = wait;
                    outcome.Overflowed = type == AcdQueueEventType.ExitWithTimeout && row.Data is not null;
                    break;
            }
        }

        var all = callers.Values.ToList();
        var answered = all.Where(c => c.End == AcdQueueEventType.Connect).ToList();
        var abandoned = all.Where(c => c.End == AcdQueueEventType.Abandon).ToList();
        var offered = all.Count;
        var answeredWithin = answered.Count(c => c.Wait <= threshold);
        var abandonedWithinThreshold = abandoned.Count(c => c.Wait <= threshold);
        var completed = answered.Where(c => c.Completed).ToList();

        double? Ratio(int numerator, int denominator) => denominator == 0 ? null : (double)numerator / denominator;
        var serviceLevel = queue.ServiceLevelFormula switch
        {
            ServiceLevelFormula.Answered => Ratio(answeredWithin, answered.Count),
            ServiceLevelFormula.Offered => Ratio(answeredWithin, offered),
            ServiceLevelFormula.OfferedExcludingShortAbandons => Ratio(answeredWithin, offered - abandonedWithinThreshold),
            ServiceLevelFormula.ShortAbandonsMet => Ratio(answeredWithin + abandonedWithinThreshold, offered),
            _ => null,
        };

        return new QueueKpis
        {
            Queue = queue.Name,
            From = from,
            To = to,
            Offered = offered,
            Answered = answered.Count,
            AnsweredWithinThreshold = answeredWithin,
            Abandoned = abandoned.Count,
            AbandonedWithinThreshold = abandonedWithinThreshold,
            AbandonedWithin = abandoned.Count(c => c.Wait <= shortAbandon),
            ShortAbandon = shortAbandon,
            TimedOut = all.Count(c => c.End == AcdQueueEventType.ExitWithTimeout),
            Overflowed = all.Count(c => c.Overflowed),
            OtherExits = all.Count(c => c.End is AcdQueueEventType.ExitEmpty or AcdQueueEventType.ExitWithKey or AcdQueueEventType.CallbackFailed),
            Unresolved = all.Count(c => c.End is null),
            Refused = refused,
            CallbacksRequested = all.Count(c => c.Callback),
            Threshold = threshold,
            Formula = queue.ServiceLevelFormula,
            FormulaText = DescribeFormula(queue.ServiceLevelFormula, threshold),
            ServiceLevel = serviceLevel,
            AverageSpeedOfAnswer = answered.Count == 0 ? null : TimeSpan.FromTicks((long)answered.Average(c => c.Wait.Ticks)),
            AverageHandleTime = completed.Count == 0 ? null : TimeSpan.FromTicks((long)completed.Average(c => c.Handle.Ticks)),
            LongestAnsweredWait = answered.Count == 0 ? null : answered.Max(c => c.Wait),
        };
    }

    /// <summary>The queue's KPIs for each interval of <paramref name="interval"/> from <paramref name="from"/> up to <paramref name="to"/>.</summary>
    public IReadOnlyList<QueueKpis> ForQueueByInterval(QueueOptions queue, DateTimeOffset from, DateTimeOffset to, TimeSpan interval, TimeSpan shortAbandon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        var result = new List<QueueKpis>();
        for (var start = from; start < to; start += interval)
        {
            var end = start + interval < to ? start + interval : to;
            result.Add(ForQueue(queue, start, end, shortAbandon));
        }

        return result;
    }

    /// <param name="now">Where a state still open at the end of the log ends, if before <paramref name="to"/>.</param>
    public AgentKpis ForAgent(string agentId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        using var connection = _database.OpenConnection();
        var args = new { Agent = agentId, From = AcdTime.Format(from), To = AcdTime.Format(to) };
        var calls = connection.Query<(string Event, long? TalkMs, long? HoldMs, long? WrapMs)>(
            "SELECT event, talk_ms, hold_ms, wrap_ms FROM acd_queue_events WHERE agent_id = @Agent AND event_utc >= @From AND event_utc < @To " +
            "AND event IN ('CONNECT', 'RINGNOANSWER', 'COMPLETEAGENT', 'COMPLETECALLER', 'WRAPUPEND');", args).AsList();

        // The state the agent was in when the interval began, then every change inside it.
        var states = connection.Query<(string State, string? Reason, string At)>(
            "SELECT state, reason, at_utc FROM (SELECT id, state, reason, at_utc FROM acd_agent_states WHERE agent_id = @Agent AND at_utc < @From " +
            "ORDER BY id DESC LIMIT 1) UNION ALL SELECT state, reason, at_utc FROM acd_agent_states WHERE agent_id = @Agent " +
            "AND at_utc >= @From AND at_utc < @To ORDER BY at_utc;", args).AsList();

        var end = now < to ? now : to;
        var byState = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var byReason = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        for (var i = 0; i < states.Count; i++)
        {
            var start = Max(AcdTime.Parse(states[i].At), from);
            var stop = i + 1 < states.Count ? AcdTime.Parse(states[i + 1].At) : end;
            var length = stop > start ? stop - start : TimeSpan.Zero;
            byState[states[i].State] = byState.GetValueOrDefault(states[i].State) + length;
            if (states[i].State == "not-ready" && states[i].Reason is { } reason)
            {
                byReason[reason] = byReason.GetValueOrDefault(reason) + length;
            }
        }

        TimeSpan In(string state) => byState.GetValueOrDefault(state);
        var talk = TimeSpan.FromMilliseconds(calls.Where(c => c.Event is "COMPLETEAGENT" or "COMPLETECALLER").Sum(c => c.TalkMs ?? 0));
        var hold = TimeSpan.FromMilliseconds(calls.Where(c => c.Event is "COMPLETEAGENT" or "COMPLETECALLER").Sum(c => c.HoldMs ?? 0));
        var wrap = TimeSpan.FromMilliseconds(calls.Where(c => c.Event == "WRAPUPEND").Sum(c => c.WrapMs ?? 0));
        var completed = calls.Count(c => c.Event is "COMPLETEAGENT" or "COMPLETECALLER");
        var staffed = In("available") + In("ringing") + In("on-call") + In("wrap-up");
        return new AgentKpis
        {
            AgentId = agentId,
            From = from,
            To = to,
            Answered = calls.Count(c => c.Event == "CONNECT"),
            MissedOffers = calls.Count(c => c.Event == "RINGNOANSWER"),
            TalkTime = talk,
            HoldTime = hold,
            WrapUpTime = wrap,
            AverageHandleTime = completed == 0 ? null : (talk + hold + wrap) / completed,
            LoggedIn = staffed + In("not-ready"),
            Available = In("available"),
            Ringing = In("ringing"),
            OnCall = In("on-call"),
            WrapUp = In("wrap-up"),
            NotReady = In("not-ready"),
            NotReadyByReason = byReason,
            Occupancy = staffed == TimeSpan.Zero ? null : (In("on-call") + In("wrap-up")) / staffed,
        };
    }

    /// <summary>Callers who abandoned in [from, to), or asked for a callback that then went unanswered, and whose
    /// number has not reached an agent of that queue since: the list to call back.</summary>
    public IReadOnlyList<AbandonedCaller> AbandonedForCallback(string queue, DateTimeOffset from, DateTimeOffset to)
    {
        using var connection = _database.OpenConnection();
        return connection.Query<(string CallerId, string At, long? WaitMs, int? Position, string? Src, string? Name, string Event)>(
                "SELECT e.caller_id, e.event_utc, e.wait_ms, e.position, c.src, c.caller_name, e.event FROM acd_queue_events e " +
                "LEFT JOIN cdr c ON c.unique_id = e.caller_id " +
                "WHERE e.queue = @Queue AND e.event IN ('ABANDON', 'CALLBACKFAILED') AND e.event_utc >= @From AND e.event_utc < @To " +
                "AND (c.src IS NULL OR NOT EXISTS (SELECT 1 FROM acd_queue_events a JOIN cdr ac ON ac.unique_id = a.caller_id " +
                "WHERE a.queue = e.queue AND a.event = 'CONNECT' AND a.event_utc > e.event_utc AND ac.src = c.src)) ORDER BY e.id;",
                new { Queue = queue, From = AcdTime.Format(from), To = AcdTime.Format(to) })
            .Select(r => new AbandonedCaller(r.CallerId, queue, AcdTime.Parse(r.At), TimeSpan.FromMilliseconds(r.WaitMs ?? 0), r.Position, r.Src, r.Name)
            {
                CallbackFailed = r.Event == "CALLBACKFAILED",
            })
            .ToList();
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private sealed class CallerOutcome
    {
        public AcdQueueEventType? End { get; set; }
        public TimeSpan Wait { get; set; }
        public TimeSpan Handle { get; set; }
        public bool Completed { get; set; }
        public bool Overflowed { get; set; }
        public bool Callback { get; set; }
    }
}
