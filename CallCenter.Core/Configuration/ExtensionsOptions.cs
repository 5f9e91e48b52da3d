using System.Collections.Frozen;
using System.Collections.Immutable;

namespace CallCenter.Core.Configuration;

/// <summary>The contents of extensions.xml: who may register and be called, and who works as an agent.</summary>
public sealed record ExtensionsOptions
{
    private readonly ImmutableArray<UserOptions> _users = [];

    // Every REGISTER and INVITE looks its user up two or three times (authentication, registrar, destination), and
    // an appliance may hold tens of thousands of users: a scan per lookup showed as most of a registration's CPU.
    private readonly FrozenDictionary<string, UserOptions> _byExtension = FrozenDictionary<string, UserOptions>.Empty;

    public ImmutableArray<UserOptions> Users
    {
        get => _users;
        init
        {
            _users = value;
            var index = new Dictionary<string, UserOptions>(value.Length, StringComparer.Ordinal);
            foreach (var user in value)
            {
                // A duplicate is a configuration error the validator reports with its location; the first one wins
                // here so that building the options never throws before that report can be made.
                index.TryAdd(user.Extension, user);
            }

            _byExtension = index.ToFrozenDictionary(StringComparer.Ordinal);
        }
    }

    public ImmutableArray<AgentOptions> Agents { get; init; } = [];

    public UserOptions? FindUser(string extension) =>
        extension is not null && _byExtension.TryGetValue(extension, out var user) ? user : null;

    // The index is derived from Users, so equality is over what was configured, not over the index instance.
    public bool Equals(ExtensionsOptions? other) =>
        other is not null && _users.Equals(other._users) && Agents.Equals(other.Agents);

    public override int GetHashCode() => HashCode.Combine(_users, Agents);
}

/// <summary>
/// A SIP credential in one of the forms an admin may give. Clear text lets the server answer both MD5 and
/// SHA-256 challenges; a pre-computed HA1 (RFC 7616 §3.4.2: H(username ":" realm ":" password)) keeps the
/// password itself off the appliance but only serves the algorithms whose HA1 was given.
/// </summary>
public sealed record SipCredential
{
    public string? Password { get; init; }
    public string? Ha1Md5 { get; init; }
    public string? Ha1Sha256 { get; init; }

    /// <summary>Used by ToString so that a credential never appears in a log.</summary>
    public override string ToString() => "SipCredential(***)";
}

public sealed record UserOptions
{
    /// <summary>The number dialled to reach this user and the SIP user name its phones register with.</summary>
    public required string Extension { get; init; }
    public required string DisplayName { get; init; }
    public required SipCredential Credential { get; init; }

    /// <summary>How many phones may be registered at once under this extension.</summary>
    public int MaxContacts { get; init; } = 3;

    /// <summary>Simultaneous calls this extension may take part in; later calls get busy.</summary>
    public int CallLimit { get; init; } = 2;

    /// <summary>Do not disturb: callers hear busy (or go to <see cref="ForwardBusy"/>). A phone's feature code
    /// overrides it at run time.</summary>
    public bool DoNotDisturb { get; init; }

    /// <summary>Every call goes to this extension instead (Asterisk's CF); checked before do-not-disturb.</summary>
    public string? ForwardAlways { get; init; }

    /// <summary>Where a call goes when this user is busy: at its call limit, every phone busy, or do-not-disturb
    /// (Asterisk's CFB).</summary>
    public string? ForwardBusy { get; init; }

    /// <summary>Where a call goes when nobody answers within <see cref="NoAnswerTimeout"/>, or no phone is
    /// registered or reachable (FreePBX's CFU, "no answer/unavailable").</summary>
    public string? ForwardNoAnswer { get; init; }

    /// <summary>How long this user's phones ring; null: calls/@ringTimeout.</summary>
    public TimeSpan? NoAnswerTimeout { get; init; }
}

public sealed record AgentOptions
{
    public required string Id { get; init; }
    public required string Name { get; init; }

    /// <summary>Entered with a feature code on any phone to log in.</summary>
    public required string Pin { get; init; }

    /// <summary>Digits that name the agent on a phone's keypad (the id is a name): *31 NUMBER * PIN logs the agent in
    /// on whatever phone dials it. Optional; unique among agents and never an extension.</summary>
    public string? Number { get; init; }

    /// <summary>The extension this agent normally sits at; must exist in the users list.</summary>
    public string? DefaultExtension { get; init; }

    /// <summary>What the agent can handle and how well; skills-based routing and callers' required skills read it.</summary>
    public ImmutableArray<AgentSkillOptions> Skills { get; init; } = [];

    /// <summary>The queues the agent serves once logged in, each with its penalty (lower is asked first).</summary>
    public ImmutableArray<QueueMembershipOptions> Queues { get; init; } = [];
}

/// <summary>A skill an agent has, at a proficiency from 1 (barely) to 100 (expert).</summary>
public sealed record AgentSkillOptions(string Name, int Proficiency);

/// <summary>
/// An agent's place in a queue. The penalty works as Asterisk's member penalty: agents with a lower penalty are
/// offered calls first, and a queue's max-penalty rule (which its relax steps may raise as a caller waits) keeps
/// the higher ones out until then.
/// </summary>
public sealed record QueueMembershipOptions(string Queue, int Penalty);
