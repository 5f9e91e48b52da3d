using System.Xml.Linq;
using CallCenter.Core.Configuration;
using CallCenter.Core.Ivr;
using CallCenter.Server.Configuration;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Ivr;

/// <summary>
/// One session on a fake port, a fake dip and a fake clock. Flows are written as ivr.xml text and read by the real
/// reader and validator (without the schema, queues or prompts), so tests read like the configuration they exercise.
/// </summary>
internal sealed class IvrTestBed : IDisposable
{
    public IvrTestBed(string xml, string flow = "main", DateTimeOffset? start = null, bool validate = true, IIvrDataDip? dip = null,
        Action<Action>? marshal = null, string caller = "+4915112345678", string called = "800")
    {
        Options = Parse(xml, validate);
        Time = new FakeTimeProvider(start);
        Dip = new FakeDataDip();
        Session = new IvrSession(Options, Options.FindFlow(flow)!, new IvrCall("call-1", caller, called), Control, dip ?? Dip, Time, Log,
            marshal ?? (action => action()));
    }

    public IvrOptions Options { get; }
    public FakeTimeProvider Time { get; }
    public FakeDataDip Dip { get; }
    public RecordingIvrCallControl Control { get; } = new();
    public ListLogger<IvrSession> Log { get; } = new();
    public IvrSession Session { get; }

    public List<string> Commands => Control.Commands;

    public static IvrOptions Parse(string xml, bool validate = true)
    {
        var text = xml.TrimStart().StartsWith("<ivr", StringComparison.Ordinal) ? xml : $"<ivr>{xml}</ivr>";
        var root = XElement.Parse(text, LoadOptions.SetLineInfo);
        var errors = new List<ConfigError>();
        var reader = new ConfigReader("ivr.xml", errors);
        var options = IvrReader.Read(reader, root);
        if (validate && errors.Count == 0)
        {
            ConfigValidator.ValidateIvr(reader, root, options, queues: null, extensions: null, soundsFolder: null);
        }

        Assert.That(errors, Is.Empty, () => "the test's flow is invalid:\n" + string.Join("\n", errors));
        return options;
    }

    public IvrTestBed Start()
    {
        Session.Start();
        return this;
    }

    /// <summary>The playback the session started last ended by itself.</summary>
    public void Finish() => Session.PromptFinished(Control.LastPlaybackId);

    public void Press(string keys)
    {
        foreach (var key in keys)
        {
            Session.DigitReceived(key);
        }
    }

    public void Advance(double seconds) => Time.Advance(TimeSpan.FromSeconds(seconds));

    public void Dispose() => Session.Dispose();
}
