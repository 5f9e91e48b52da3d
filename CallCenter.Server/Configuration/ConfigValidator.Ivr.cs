using System.Xml.Linq;
using CallCenter.Core.Configuration;

namespace CallCenter.Server.Configuration;

/// <summary>Rules for ivr.xml: names, references between nodes, flows, queues and extensions, reachability, loops the
/// caller cannot leave, and prompts that exist.</summary>
internal static partial class ConfigValidator
{
    // Node attributes that name another node of the same flow.
    private static readonly string[] NodeReferences = ["next", "fallback", "open", "closed", "holiday", "ok", "failed", "timedOut"];

    /// <param name="soundsFolder">config/sounds, or null when the installation has none (prompts are not checked).</param>
    public static void ValidateIvr(
        ConfigReader r, XElement root, IvrOptions values, QueuesOptions? queues, ExtensionsOptions? extensions, string? soundsFolder)
    {
        var flows = Zip(values.Flows, root.Elements("flow"));
        FlowNamesUnique(r, flows);
        RoutesUniqueAndKnown(r, root, values, extensions);
        foreach (var (flow, element) in flows)
        {
            var nodes = Zip(flow.Nodes, element.Elements());
            NodeIdsUnique(r, flow, nodes);
            var broken = !StartExists(r, flow, element);
            foreach (var (node, nodeElement) in nodes)
            {
                broken |= !ReferencesExist(r, flow, nodeElement);
                NodeRules(r, node, nodeElement, values, queues, extensions);
                PromptsExist(r, flow, node, nodeElement, soundsFolder);
            }

            // A mistyped reference leaves the node it meant unreachable; saying so as well would only bury the cause.
            if (!broken)
            {
                EveryNodeReachable(r, flow, nodes);
            }
        }

        NoLoopWithoutInput(r, values, flows);
    }

    private static void FlowNamesUnique(ConfigReader r, IReadOnlyList<(IvrFlow Value, XElement Element)> flows)
    {
        var seen = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var (flow, element) in flows)
        {
            if (!seen.TryAdd(flow.Name, element))
            {
                r.Error(At(element, "name"), $"Flow name '{flow.Name}' is already used by the flow at {Where(seen[flow.Name])}; rename one of them.");
            }
        }
    }

    private static void RoutesUniqueAndKnown(ConfigReader r, XElement root, IvrOptions values, ExtensionsOptions? extensions)
    {
        var seen = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var (route, element) in Zip(values.Routes, root.Elements("route")))
        {
            if (!seen.TryAdd(route.Number, element))
            {
                r.Error(At(element, "number"), $"Number {route.Number} is already routed by the route at {Where(seen[route.Number])}; a number starts one flow, remove one of them.");
            }

            // Dialling 1000 would either ring the phone or start the flow; the admin must say which by renumbering.
            if (extensions?.FindUser(route.Number) is not null)
            {
                r.Error(At(element, "number"), $"Number {route.Number} is also the extension of a <user> in extensions.xml; give the route or the user another number.");
            }

            if (values.FindFlow(route.Flow) is null)
            {
                r.Error(At(element, "flow"), $"Number {route.Number} is routed to flow '{route.Flow}', which is not defined; {KnownFlows(values)}.");
            }
        }
    }

    private static string KnownFlows(IvrOptions values) =>
        values.Flows.IsEmpty ? "the file defines no flows" : "known flows: " + string.Join(", ", values.Flows.Select(f => f.Name).Distinct());

    private static string KnownNodes(IvrFlow flow)
    {
        var ids = flow.Nodes.Select(n => n.Id).Distinct().ToList();
        return ids.Count <= 12 ? string.Join(", ", ids) : string.Join(", ", ids.Take(12)) + $" and {ids.Count - 12} more";
    }

    private static void NodeIdsUnique(ConfigReader r, IvrFlow flow, IReadOnlyList<(IvrNode Value, XElement Element)> nodes)
    {
        var seen = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var (node, element) in nodes)
        {
            if (!seen.TryAdd(node.Id, element))
            {
                r.Error(At(element, "id"), $"Flow '{flow.Name}' already has a node '{node.Id}' at {Where(seen[node.Id])}; node ids must differ within a flow.");
            }
        }
    }

    private static bool StartExists(ConfigReader r, IvrFlow flow, XElement element)
    {
        if (flow.FindNode(flow.Start) is not null)
        {
            return true;
        }

        r.Error(At(element, "start"), $"Flow '{flow.Name}' starts at node '{flow.Start}', which it does not have; nodes: {KnownNodes(flow)}.");
        return false;
    }

    private static bool ReferencesExist(ConfigReader r, IvrFlow flow, XElement element)
    {
        var ok = true;
        var id = (string?)element.Attribute("id");
        IEnumerable<XAttribute> references = NodeReferences.Select(name => element.Attribute(name)).OfType<XAttribute>();
        if (element.Name.LocalName == "menu")
        {
            references = references.Concat(element.Elements("choice").Select(c => c.Attribute("next")).OfType<XAttribute>());
        }

        foreach (var reference in references)
        {
            var target = reference.Value.Trim();
            if (flow.FindNode(target) is null)
            {
                r.Error(reference,
                    $"Node '{id}' continues with '{target}' ({reference.Name.LocalName}), but flow '{flow.Name}' has no such node; nodes: {KnownNodes(flow)}. " +
                    "To continue in another flow, point at a <goToFlow> node.");
                ok = false;
            }
        }

        return ok;
    }

    private static void NodeRules(ConfigReader r, IvrNode node, XElement element, IvrOptions values, QueuesOptions? queues, ExtensionsOptions? extensions)
    {
        switch (node)
        {
            case IvrMenuNode menu:
                var digits = new Dictionary<char, XElement>();
                foreach (var (choice, child) in Zip(menu.Choices, element.Elements("choice")))
                {
                    if (!digits.TryAdd(choice.Digit, child))
                    {
                        r.Error(At(child, "digit"), $"Menu '{menu.Id}' already uses key {choice.Digit} at {Where(digits[choice.Digit])}; give this choice another key.");
                    }
                }

                break;
            case IvrCollectNode collect:
                if (collect.MinLength > collect.MaxLength)
                {
                    r.Error(At(element, "minLength"), $"Node '{collect.Id}' asks for at least {collect.MinLength} and at most {collect.MaxLength} keys; minLength must not exceed maxLength.");
                }

                break;
            case IvrSetPriorityNode priority when (priority.Value is null) == (priority.Variable is null):
                r.Error(element, $"Node '{priority.Id}' needs exactly one of value=\"...\" (a fixed priority) and variable=\"...\" (a number a data dip fetched).");
                break;
            case IvrSetSkillsNode skills:
                var names = new Dictionary<string, XElement>(StringComparer.Ordinal);
                foreach (var (skill, child) in Zip(skills.Skills, element.Elements("skill")))
                {
                    if (!names.TryAdd(skill.Skill, child))
                    {
                        r.Error(At(child, "name"), $"Node '{skills.Id}' lists skill '{skill.Skill}' twice (first at {Where(names[skill.Skill])}); keep one.");
                    }
                }

                break;
            case IvrQueueNode queue when queues is not null && queues.FindQueue(queue.Queue) is null:
                var known = queues.Queues.IsEmpty ? "queues.xml defines no queues" : "known: " + string.Join(", ", queues.Queues.Select(q => q.Name));
                r.Error(At(element, "name"), $"Node '{queue.Id}' sends the call to queue '{queue.Queue}', which is not in queues.xml ({known}); add the queue there or correct the name.");
                break;
            case IvrExtensionNode extension when extensions is not null && extensions.FindUser(extension.Extension) is null:
                r.Error(At(element, "number"), $"Node '{extension.Id}' transfers to extension {extension.Extension}, but no <user> in extensions.xml has it; add the user or correct the number.");
                break;
            case IvrGoToFlowNode goTo when values.FindFlow(goTo.Flow) is null:
                r.Error(At(element, "flow"), $"Node '{goTo.Id}' continues in flow '{goTo.Flow}', which is not defined; {KnownFlows(values)}.");
                break;
        }
    }

    private static void PromptsExist(ConfigReader r, IvrFlow flow, IvrNode node, XElement element, string? soundsFolder)
    {
        if (soundsFolder is null)
        {
            return;
        }

        foreach (var name in new[] { "prompts", "invalidPrompts", "timeoutPrompts" })
        {
            var attribute = element.Attribute(name);
            if (attribute is null)
            {
                continue;
            }

            foreach (var prompt in attribute.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!File.Exists(Path.Combine(soundsFolder, flow.Language, prompt + ".wav")))
                {
                    r.Error(attribute,
                        $"Node '{node.Id}' plays prompt '{prompt}', but sounds/{flow.Language}/{prompt}.wav does not exist; add the recording or correct the name " +
                        $"(flow '{flow.Name}' speaks '{flow.Language}').");
                }
            }
        }
    }

    // A node no path from the start reaches is dead text: most often a typo in the reference meant to lead to it.
    private static void EveryNodeReachable(ConfigReader r, IvrFlow flow, IReadOnlyList<(IvrNode Value, XElement Element)> nodes)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal) { flow.Start };
        var pending = new Stack<string>([flow.Start]);
        while (pending.TryPop(out var id))
        {
            foreach (var next in flow.FindNode(id)?.Successors ?? [])
            {
                if (reached.Add(next))
                {
                    pending.Push(next);
                }
            }
        }

        foreach (var (node, element) in nodes)
        {
            if (!reached.Contains(node.Id))
            {
                r.Error(At(element, "id"), $"Node '{node.Id}' of flow '{flow.Name}' cannot be reached from its start node '{flow.Start}'; point a node at it or remove it.");
            }
        }
    }

    /// <summary>
    /// A cycle with no menu or collect node in it never waits for a key: the caller would go round until hanging up
    /// (or, without a prompt on the way, the engine would spin). Cycles are found as strongly connected components
    /// (Tarjan) of the graph of all flows, a goToFlow leading to the other flow's start; menus and collects are left
    /// out of the graph, since every cycle through one waits for the caller.
    /// </summary>
    private static void NoLoopWithoutInput(ConfigReader r, IvrOptions values, IReadOnlyList<(IvrFlow Value, XElement Element)> flows)
    {
        var elements = new Dictionary<(string Flow, string Node), XElement>();
        var edges = new Dictionary<(string Flow, string Node), List<(string Flow, string Node)>>();
        foreach (var (flow, flowElement) in flows)
        {
            foreach (var (node, element) in Zip(flow.Nodes, flowElement.Elements()))
            {
                if (node is IvrMenuNode or IvrCollectNode || !elements.TryAdd((flow.Name, node.Id), element))
                {
                    continue;
                }

                var targets = node is IvrGoToFlowNode goTo
                    ? values.FindFlow(goTo.Flow) is { } other ? [(other.Name, other.Start)] : []
                    : node.Successors.Select(next => (flow.Name, next)).ToList();
                edges[(flow.Name, node.Id)] = targets;
            }
        }

        foreach (var component in new StronglyConnected(edges).Components())
        {
            var self = component.Count == 1 && edges[component[0]].Contains(component[0]);
            if (component.Count < 2 && !self)
            {
                continue;
            }

            var ordered = component.OrderBy(k => Line(elements[k])).ToList();
            var path = string.Join(" → ", ordered.Select(k => k.Flow == ordered[0].Flow ? k.Node : $"{k.Flow}:{k.Node}"));
            r.Error(At(elements[ordered[0]], "id"),
                $"The nodes {path} (flow '{ordered[0].Flow}') form a loop that never asks the caller for a key, so nobody can leave it; " +
                "break it with a <menu> or <collect>, or end it with a <queue>, <extension> or <hangup>.");
        }
    }

    private static int Line(XElement element) => ((System.Xml.IXmlLineInfo)element).LineNumber;

    /// <summary>Tarjan's algorithm, iterative so that a long chain of nodes cannot overflow the stack.</summary>
    private sealed class StronglyConnected(Dictionary<(string, string), List<(string, string)>> edges)
    {
        private readonly Dictionary<(string, string), int> _index = [];
        private readonly Dictionary<(string, string), int> _low = [];
        private readonly Stack<(string, string)> _stack = new();
        private readonly HashSet<(string, string)> _onStack = [];
        private readonly List<List<(string, string)>> _components = [];
        private int _next;

        public List<List<(string Flow, string Node)>> Components()
        {
            foreach (var vertex in edges.Keys)
            {
                if (!_index.ContainsKey(vertex))
                {
                    Visit(vertex);
                }
            }

            return _components;
        }

        private void Visit((string, string) root)
        {
            var work = new Stack<((string, string) Vertex, int Edge)>();
            Open(root);
            work.Push((root, 0));
            while (work.TryPop(out var frame))
            {
                var (vertex, edge) = frame;
                var targets = edges[vertex];
                if (edge < targets.Count)
                {
                    work.Push((vertex, edge + 1));
                    var target = targets[edge];
                    if (!edges.ContainsKey(target))
                    {
                        continue;
                    }

                    if (!_index.ContainsKey(target))
                    {
                        Open(target);
                        work.Push((target, 0));
                    }
                    else if (_onStack.Contains(target))
                    {
                        _low[vertex] = Math.Min(_low[vertex], _index[target]);
                    }

                    continue;
                }

                if (work.TryPeek(out var parent))
                {
                    _low[parent.Vertex] = Math.Min(_low[parent.Vertex], _low[vertex]);
                }

                if (_low[vertex] == _index[vertex])
                {
                    var component = new List<(string, string)>();
                    (string, string) member;
                    do
                    {
                        member = _stack.Pop();
                        _onStack.Remove(member);
                        component.Add(member);
                    }
                    while (member != vertex);
                    _components.Add(component);
                }
            }
        }

        private void Open((string, string) vertex)
        {
            _index[vertex] = _low[vertex] = _next++;
            _stack.Push(vertex);
            _onStack.Add(vertex);
        }
    }
}
