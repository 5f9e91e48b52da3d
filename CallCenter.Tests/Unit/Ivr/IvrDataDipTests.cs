using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CallCenter.Core.Configuration;
using CallCenter.Core.Ivr;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CallCenter.Tests.Unit.Ivr;

/// <summary>
/// The HTTP data dip against a real HTTP server (Kestrel on 127.0.0.1, an ephemeral port): through a session, success,
/// timeout and bad JSON each take their configured branch; on its own, what is sent and what counts as a failure.
/// </summary>
[NonParallelizable]
public sealed class IvrDataDipTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private WebApplication _server = null!;
    private HttpClient _client = null!;
    private string _base = null!;
    private readonly ConcurrentQueue<string> _seen = new();
    private TaskCompletionSource _slowAborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _slowArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [OneTimeSetUp]
    public async Task StartServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.MapGet("/crm/caller", (HttpRequest request) =>
        {
            _seen.Enqueue(request.QueryString.Value ?? string.Empty);
            return request.Query["caller"] == "+4915112345678"
                ? Results.Text("""{"customer": {"priority": 50, "segment": "private-banking", "vip": true, "note": null}}""", "application/json")
                : Results.NotFound();
        });
        _server.MapPost("/crm/caller", async (HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            _seen.Enqueue(request.ContentType + " " + string.Join(", ", body.RootElement.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}")));
            return Results.Text("""{"customer": {"priority": 60}}""", "application/json");
        });
        _server.MapGet("/slow", async (HttpContext context) =>
        {
            _slowArrived.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                _slowAborted.TrySetResult();
            }
        });
        _server.MapGet("/bad-json", () => Results.Text("""{"customer": {"priority": 50""", "application/json"));
        _server.MapGet("/array", () => Results.Text("[1, 2, 3]", "application/json"));
        _server.MapGet("/huge", () => Results.Text($$"""{"pad": "{{new string('x', IvrHttpDataDip.MaxAnswerBytes)}}"}""", "application/json"));
        _server.MapGet("/error", () => Results.StatusCode(503));
        await _server.StartAsync();
        _base = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        _client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    [OneTimeTearDown]
    public async Task StopServerAsync()
    {
        _client.Dispose();
        await _server.StopAsync();
        await _server.DisposeAsync();
    }

    [SetUp]
    public void Reset()
    {
        _seen.Clear();
        _slowAborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        _slowArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private string Flow(string path, string method = "GET") => $"""
        <flow name="main">
          <setVariable id="acc" name="account" value="12 34/5" next="dip" />
          <dataDip id="dip" url="{_base}{path}" method="{method}" timeoutMs="1500" ok="vip" failed="normal" timedOut="late">
            <send variable="account" />
            <map field="customer.priority" variable="priority" />
            <map field="customer.segment" variable="segment" />
          </dataDip>
          <setPriority id="vip" variable="priority" next="sales" />
          <queue id="sales" name="sales" />
          <extension id="normal" number="2000" />
          <hangup id="late" />
        </flow>
        """;

    private (IvrTestBed Bed, TestMailbox Mailbox) Session(string path, string method = "GET")
    {
        var mailbox = new TestMailbox();
        var bed = new IvrTestBed(Flow(path, method), dip: new IvrHttpDataDip(_client), marshal: mailbox.Post);
        return (bed, mailbox);
    }

    [Test]
    public async Task ASuccessfulDipMapsTheFieldsAndTakesTheOkBranch()
    {
        var (bed, mailbox) = Session("/crm/caller");
        using var _ = bed;

        bed.Start();
        Assert.That(bed.Session.NodeId, Is.EqualTo("dip"), "the session does not wait for the answer");
        await mailbox.RunUntilAsync(() => bed.Session.HasEnded, Limit);

        Assert.Multiple(() =>
        {
            Assert.That(bed.Control.Last, Is.EqualTo("queue sales"));
            Assert.That(bed.Control.Queue!.Priority, Is.EqualTo(50));
            Assert.That(bed.Session.Variables["segment"], Is.EqualTo("private-banking"));
            Assert.That(_seen, Is.EqualTo(new[] { "?caller=%2B4915112345678&account=12%2034%2F5" }));
        });
    }

    [Test]
    public async Task ADipWithoutAnswerTakesTheTimedOutBranchOnTheSessionClockAndIsCancelled()
    {
        var (bed, mailbox) = Session("/slow");
        using var _ = bed;

        bed.Start();
        await _slowArrived.Task.WaitAsync(Limit);
        bed.Advance(1.4);
        mailbox.Drain();
        Assert.That(bed.Session.HasEnded, Is.False);

        bed.Advance(0.1);
        await mailbox.RunUntilAsync(() => bed.Session.HasEnded, Limit);

        Assert.That(bed.Commands, Is.EqualTo(new[] { "hangup FlowEnded" }), "timedOut leads to 'late'");
        await _slowAborted.Task.WaitAsync(Limit);
    }

    [Test]
    public async Task BadJsonTakesTheFailedBranch()
    {
        var (bed, mailbox) = Session("/bad-json");
        using var _ = bed;

        bed.Start();
        await mailbox.RunUntilAsync(() => bed.Session.HasEnded, Limit);

        Assert.That(bed.Control.Last, Is.EqualTo("extension 2000"));
        Assert.That(bed.Session.Variables.ContainsKey("priority"), Is.False);
        Assert.That(bed.Log.Entries.Single(e => e.EventId == 1411).Message, Does.Contain("not JSON"));
    }

    [Test]
    public async Task AnUnknownCallerAnswered404TakesTheFailedBranch()
    {
        var mailbox = new TestMailbox();
        using var bed = new IvrTestBed(Flow("/crm/caller"), dip: new IvrHttpDataDip(_client), marshal: mailbox.Post, caller: "+4930999");

        bed.Start();
        await mailbox.RunUntilAsync(() => bed.Session.HasEnded, Limit);

        Assert.That(bed.Control.Last, Is.EqualTo("extension 2000"));
        Assert.That(bed.Log.Entries.Single(e => e.EventId == 1411).Message, Does.Contain("HTTP 404"));
    }

    [Test]
    public async Task PostSendsTheCallerAndTheChosenVariablesAsAJsonObject()
    {
        var dip = new IvrHttpDataDip(_client);
        var result = await dip.QueryAsync(
            new IvrDipRequest(new Uri(_base + "/crm/caller"), IvrDipMethod.Post,
                [new("caller", "+4915112345678"), new("name", "Müller \"Jr\"")], ["customer.priority"]),
            CancellationToken.None);

        Assert.That(result, Is.EqualTo(IvrDipResult.Ok(ImmutableDictionary<string, string>.Empty.Add("customer.priority", "60")))
            .Using<IvrDipResult>((a, b) => a.Succeeded == b.Succeeded && a.Fields.SequenceEqual(b.Fields)));
        Assert.That(_seen.Single(), Is.EqualTo("application/json; charset=utf-8 caller=+4915112345678, name=Müller \"Jr\""));
    }

    [Test]
    public async Task FieldsAreTakenAsTextAndMissingOrNullOnesAreLeftOut()
    {
        var result = await new IvrHttpDataDip(_client).QueryAsync(
            new IvrDipRequest(new Uri(_base + "/crm/caller"), IvrDipMethod.Get, [new("caller", "+4915112345678")],
                ["customer.priority", "customer.vip", "customer.note", "customer.missing", "customer.segment.deeper"]),
            CancellationToken.None);

        Assert.That(result.Succeeded, Is.True);
        Assert.That(result.Fields, Is.EquivalentTo(new Dictionary<string, string> { ["customer.priority"] = "50", ["customer.vip"] = "true" }));
    }

    [TestCase("/array", "not an object")]
    [TestCase("/huge", "larger than")]
    [TestCase("/error", "HTTP 503")]
    public async Task AnswersThatAreNotAUsableJsonObjectFail(string path, string reason)
    {
        var result = await new IvrHttpDataDip(_client).QueryAsync(
            new IvrDipRequest(new Uri(_base + path), IvrDipMethod.Get, [new("caller", "1")], ["x"]), CancellationToken.None);

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Reason, Does.Contain(reason));
    }

    [Test]
    public async Task ARefusedConnectionFailsWithoutThrowing()
    {
        // A port that was free a moment ago: nothing listens there.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var result = await new IvrHttpDataDip(_client).QueryAsync(
            new IvrDipRequest(new Uri($"http://127.0.0.1:{port}/crm"), IvrDipMethod.Get, [new("caller", "1")], []), CancellationToken.None);

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Reason, Does.StartWith("request failed"));
    }
}
