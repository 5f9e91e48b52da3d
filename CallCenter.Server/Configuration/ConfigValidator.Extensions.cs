using System.Xml.Linq;
using CallCenter.Core.Configuration;

namespace CallCenter.Server.Configuration;

/// <summary>Rules for extensions.xml.</summary>
internal static partial class ConfigValidator
{
    public static void ValidateExtensions(ConfigReader r, XElement root, ExtensionsOptions values, string realm)
    {
        var users = Zip(values.Users, root.Elements("user"));
        var agents = Zip(values.Agents, root.Elements("agent"));
        ExtensionsUnique(r, users);
        AgentIdsUnique(r, agents);
        AgentNumbersUnique(r, agents, values);
        AgentExtensionsExist(r, agents, values);
        UsersHaveOneCredentialForm(r, users);
        Ha1DigestsWellFormed(r, users, realm);
        ForwardTargetsExist(r, users, values);
    }

    // A forward to nowhere would turn every diverted call into a 404 the admin never sees coming; a forward to
    // oneself is a loop of one. Loops across users (1001 → 1002 → 1001) are legal rule by rule and are ended at run
    // time by the call's forward limit.
    private static void ForwardTargetsExist(ConfigReader r, IReadOnlyList<(UserOptions Value, XElement Element)> users, ExtensionsOptions values)
    {
        foreach (var (user, element) in users)
        {
            foreach (var (attribute, target) in new[]
            {
                ("forwardAlways", user.ForwardAlways), ("forwardBusy", user.ForwardBusy), ("forwardNoAnswer", user.ForwardNoAnswer),
            })
            {
                if (target is null)
                {
                    continue;
                }

                if (target == user.Extension)
                {
                    r.Error(At(element, attribute),
                        $"User {user.Extension} forwards to itself ({attribute}=\"{target}\"); give another extension or remove {attribute}.");
                }
                else if (values.FindUser(target) is null)
                {
                    r.Error(At(element, attribute),
                        $"User {user.Extension} forwards to {target} ({attribute}), but no <user> has that extension; " +
                        $"add <user extension=\"{target}\" .../> or correct {attribute}.");
                }
            }
        }
    }

    private static void ExtensionsUnique(ConfigReader r, IReadOnlyList<(UserOptions Value, XElement Element)> users)
    {
        var seen = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var (user, element) in users)
        {
            if (!seen.TryAdd(user.Extension, element))
            {
                r.Error(At(element, "extension"),
                    $"Extension {user.Extension} is already used by the user at {Where(seen[user.Extension])}; " +
                    "give this user another extension or remove one of them.");
            }
        }
    }

    private static void AgentIdsUnique(ConfigReader r, IReadOnlyList<(AgentOptions Value, XElement Element)> agents)
    {
        var seen = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var (agent, element) in agents)
        {
            if (!seen.TryAdd(agent.Id, element))
            {
                r.Error(At(element, "id"),
                    $"Agent id '{agent.Id}' is already used by the agent at {Where(seen[agent.Id])}; give this agent another id or remove one of them.");
            }
        }
    }

    // An agent number is keyed in after the login code (*31 NUMBER * PIN). Two agents with one number would make the
    // PIN decide who logs in; a number that is also an extension would read as "that phone" to whoever keys it in.
    // Feature codes need no check here: they begin with '*' or '#', numbers are digits only (both by schema).
    private static void AgentNumbersUnique(ConfigReader r, IReadOnlyList<(AgentOptions Value, XElement Element)> agents, ExtensionsOptions values)
    {
        var seen = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var (agent, element) in agents)
        {
            if (agent.Number is not { } number)
            {
                continue;
            }

            if (!seen.TryAdd(number, element))
            {
                r.Error(At(element, "number"),
                    $"Agent number {number} of '{agent.Id}' is already the number of the agent at {Where(seen[number])}; give one of them another number.");
            }
            else if (values.FindUser(number) is not null)
            {
                r.Error(At(element, "number"),
                    $"Agent number {number} of '{agent.Id}' is also an extension; give the agent a number that no <user> has.");
            }
        }
    }

    private static void AgentExtensionsExist(ConfigReader r, IReadOnlyList<(AgentOptions Value, XElement Element)> agents, ExtensionsOptions values)
    {
        foreach (var (agent, element) in agents)
        {
            if (agent.DefaultExtension is { } extension && values.FindUser(extension) is null)
            {
                r.Error(At(element, "extension"),
                    $"Agent '{agent.Id}' sits at extension {extension}, but no <user> has that extension; " +
                    $"add <user extension=\"{extension}\" .../> or correct the agent's extension.");
            }
        }
    }

    // Clear text serves both digest algorithms; HA1 forms serve only theirs (RFC 7616 §3.4.2). Giving both a
    // password and an HA1 leaves two sources of truth that can disagree, so it is refused rather than guessed at.
    private static void UsersHaveOneCredentialForm(ConfigReader r, IReadOnlyList<(UserOptions Value, XElement Element)> users)
    {
        foreach (var (user, element) in users)
        {
            var credential = user.Credential;
            // An empty ha1="" is left to the digest format rule, which says more precisely what is wrong.
            if (credential.Password is null && element.Attribute("ha1") is null && element.Attribute("ha1Sha256") is null)
            {
                r.Error(element, $"User {user.Extension} has no credential; add password=\"...\" or ha1=\"...\" (and/or ha1Sha256=\"...\").");
                continue;
            }

            if (credential.Password is not null && (credential.Ha1Md5 is not null || credential.Ha1Sha256 is not null))
            {
                var ha1 = element.Attribute("ha1") ?? element.Attribute("ha1Sha256")!;
                r.Error(ha1,
                    $"User {user.Extension} has both password and {ha1.Name.LocalName}; keep one form: remove {ha1.Name.LocalName} " +
                    "(a password serves MD5 and SHA-256) or remove password.");
            }
        }
    }

    private static void Ha1DigestsWellFormed(ConfigReader r, IReadOnlyList<(UserOptions Value, XElement Element)> users, string realm)
    {
        foreach (var (user, element) in users)
        {
            Ha1WellFormed(r, user, element.Attribute("ha1"), realm, "MD5", 32, "md5sum");
            Ha1WellFormed(r, user, element.Attribute("ha1Sha256"), realm, "SHA-256", 64, "sha256sum");
        }
    }

    private static void Ha1WellFormed(ConfigReader r, UserOptions user, XAttribute? attribute, string realm, string algorithm, int length, string tool)
    {
        if (attribute is null)
        {
            return;
        }

        var value = attribute.Value.Trim();
        var problem = value.Length != length
            ? $"it has {value.Length} characters"
            : value.FirstOrDefault(c => !char.IsAsciiHexDigit(c)) is var bad and not '\0'
                ? $"'{bad}' is not a hexadecimal digit"
                : null;
        if (problem is not null)
        {
            r.Error(attribute,
                $"{attribute.Name.LocalName} must be the {length} hexadecimal digits of the {algorithm} digest of \"{user.Extension}:{realm}:password\" " +
                $"(printf '{user.Extension}:{realm}:password' | {tool}), but {problem}.");
        }
    }
}
