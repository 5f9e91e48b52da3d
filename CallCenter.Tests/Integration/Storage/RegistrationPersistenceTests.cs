using System.Net;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Registrar;
using CallCenter.Core.Sip.Transport;
using CallCenter.Core.Storage;
using CallCenter.Tests.Support;
using CallCenter.Tests.Unit.Sip.Registrar;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Integration.Storage;

/// <summary>The registration store's write-behind copy through the real SQLite database (migration 0002).</summary>
public sealed class RegistrationPersistenceTests
{
    private TempFolder _folder = null!;
    private StorageOptions _options = null!;
    private FakeTimeProvider _time = null!;
    private TestConfiguration _configuration = null!;
    private readonly List<IDisposable> _disposables = [];

    [SetUp]
    public void SetUp()
    {
        _folder = new TempFolder("cc-reg");
        _options = new StorageOptions { DataFolder = _folder.Combine("data"), RecordingsFolder = _folder.Combine("rec") };
        _time = new FakeTimeProvider();
        _configuration = new TestConfiguration(TestOptions.Create());
    }

    [TearDown]
    public void TearDown()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Test]
    public async Task ABindingSurvivesARestartWithTheTimeItHadLeft()
    {
        var (udp, _) = Listeners();
        var flow = new SipFlow(udp, new IPEndPoint(IPAddress.Parse("192.0.2.10"), 40_123), 0);
        long id;
        await using (var session = await OpenAsync())
        {
            Register(session.Store, "1000", "<sip:1000@192.0.2.10:5060>;q=0.7", flow, expires: 3600, callId: "boot-1", cseq: 42);
            id = session.Store.GetBindings("1000").Single().Id;
        }

        _time.Advance(TimeSpan.FromMinutes(10));

        await using (var session = await OpenAsync())
        {
            var binding = session.Store.GetBindings("1000").Single();
            Assert.That(binding.Id, Is.EqualTo(id));
            Assert.That(session.Store.GetRemaining(binding), Is.EqualTo(TimeSpan.FromSeconds(3000)));
            Assert.That(binding.ExpiresAtUtc, Is.EqualTo(_time.GetUtcNow().AddSeconds(3000)));
            Assert.That(binding.ContactUri.ToString(), Is.EqualTo("sip:1000@192.0.2.10:5060"));
            Assert.That(binding.Q, Is.EqualTo(0.7));
            Assert.That(binding.CallId, Is.EqualTo("boot-1"));
            Assert.That(binding.CSeq, Is.EqualTo(42));
            Assert.That(binding.UserAgent, Is.EqualTo("TestPhone/1.0"));
            Assert.That(binding.RegisteredAtUtc, Is.EqualTo(_time.GetUtcNow().AddMinutes(-10)));
            Assert.That(binding.Reachability, Is.EqualTo(Reachability.Unknown), "reachability is re-learnt, not restored");
            Assert.That(binding.Target.Transport, Is.EqualTo(SipTransport.Udp));
            Assert.That(binding.Target.EndPoint, Is.EqualTo(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 40_123)), "the received address, as before");
            Assert.That(binding.Target.Flow, Is.Null, "the listener objects of the old process are gone");

            // It keeps expiring on time, and the same phone's next refresh is in order.
            Register(session.Store, "1000", "<sip:1000@192.0.2.10:5060>", flow, expires: 3600, callId: "boot-1", cseq: 43);
            Register(session.Store, "1001", "<sip:1001@192.0.2.11>", flow, expires: 3600, callId: "other");
            Assert.That(session.Store.GetBindings("1000").Single().Id, Is.EqualTo(id));
            Assert.That(session.Store.GetBindings("1001").Single().Id, Is.GreaterThan(id), "new ids never reuse a stored one");
        }
    }

    [Test]
    public async Task ABindingThatExpiredWhileTheServerWasDownIsNotLoadedAndIsDeleted()
    {
        var (udp, _) = Listeners();
        var flow = new SipFlow(udp, new IPEndPoint(IPAddress.Parse("192.0.2.10"), 5060), 0);
        await using (var session = await OpenAsync())
        {
            Register(session.Store, "1000", "<sip:1000@192.0.2.10>", flow, expires: 60, callId: "short");
            Register(session.Store, "1001", "<sip:1001@192.0.2.11>", flow, expires: 3600, callId: "long");
        }

        _time.Advance(TimeSpan.FromSeconds(120));

        await using (var session = await OpenAsync())
        {
            Assert.That(session.Store.GetBindings("1000"), Is.Empty);
            Assert.That(session.Store.GetBindings("1001"), Has.Length.EqualTo(1));
            Assert.That(session.Log.Entries.Single(e => e.EventId == 2521).Message, Does.Contain("Restored 1").And.Contain("deleted 1"));
            using var connection = session.Database.OpenConnection();
            Assert.That(connection.Query<string>("SELECT extension FROM registrations;"), Is.EqualTo(new[] { "1001" }));
        }
    }

    [Test]
    public async Task AStreamBindingIsReachedAtItsContactAddressAfterARestart()
    {
        var (_, tcp) = Listeners();
        var flow = new SipFlow(tcp, new IPEndPoint(IPAddress.Parse("192.0.2.10"), 51_234), 7);
        await using (var session = await OpenAsync())
        {
            Register(session.Store, "1000", "<sip:1000@192.0.2.10:5062;transport=tcp>", flow);
            Register(session.Store, "1001", "<sip:1001@phone-1001.invalid;transport=tcp>", flow);
            using var connection = session.Database.OpenConnection();
            await session.Store.FlushAsync();
            Assert.That(connection.ExecuteScalar<long>("SELECT connection_id FROM registrations WHERE extension = '1000';"), Is.EqualTo(7));
        }

        await using (var session = await OpenAsync())
        {
            var byIp = session.Store.GetBindings("1000").Single().Target;
            Assert.That(byIp.Transport, Is.EqualTo(SipTransport.Tcp));
            Assert.That(byIp.EndPoint, Is.EqualTo(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 5062)), "the port the phone listens on, not its old client port");
            Assert.That(byIp.Flow, Is.Null);

            var byName = session.Store.GetBindings("1001").Single().Target;
            Assert.That(byName.EndPoint, Is.EqualTo(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 51_234)), "no address to connect to: the received one is all there is");
        }
    }

    [Test]
    public async Task RemovalsReachTheTableAtOnceAndARefreshTheRowStillCoversWaitsForAStop()
    {
        var (udp, _) = Listeners();
        var flow = new SipFlow(udp, new IPEndPoint(IPAddress.Parse("192.0.2.10"), 5060), 0);
        await using (var session = await OpenAsync())
        {
            Register(session.Store, "1000", "<sip:1000@192.0.2.10>", flow, callId: "a", cseq: 1);
            Register(session.Store, "1000", "<sip:1000@192.0.2.11>", flow, callId: "b", cseq: 1);
            Register(session.Store, "1000", "<sip:1000@192.0.2.10>", flow, callId: "a", cseq: 2);
            Register(session.Store, "1000", "<sip:1000@192.0.2.11>", flow, callId: "b", cseq: 2, expires: 0);

            await session.Store.FlushAsync();

            Assert.That(Rows(session.Database), Is.EqualTo(new[] { ("sip:1000@192.0.2.10", 1L) }),
                "the removal is written; the refresh is not yet: the row's expiry still covers more than half its interval");
            Assert.That(session.Store.DeferredRefreshes, Is.EqualTo(1));
            Assert.That(session.Store.PendingWrites, Is.Zero);
            Assert.That(session.Store.WriteFailures, Is.Zero);
        }

        await using (var session = await OpenAsync())
        {
            Assert.That(Rows(session.Database), Is.EqualTo(new[] { ("sip:1000@192.0.2.10", 2L) }), "a clean stop writes every deferred refresh");
            Assert.That(session.Store.GetBindings("1000").Single().CSeq, Is.EqualTo(2));
        }

        static List<(string Contact, long CSeq)> Rows(Database database)
        {
            using var connection = database.OpenConnection();
            return connection.Query<(string Contact, long CSeq)>("SELECT contact_uri, cseq FROM registrations;").ToList();
        }
    }

    [Test]
    public async Task ARefreshIsWrittenOnceTheRowCoversLessThanHalfItsIntervalOrWhenMoreThanTheExpiryChanged()
    {
        var (udp, _) = Listeners();
        var flow = new SipFlow(udp, new IPEndPoint(IPAddress.Parse("192.0.2.10"), 5060), 0);
        var moved = new SipFlow(udp, new IPEndPoint(IPAddress.Parse("192.0.2.10"), 5070), 0);
        var start = _time.GetUtcNow();
        await using var session = await OpenAsync();
        Register(session.Store, "1000", "<sip:1000@192.0.2.10>", flow, expires: 600, callId: "a", cseq: 1);

        _time.Advance(TimeSpan.FromSeconds(299));
        Register(session.Store, "1000", "<sip:1000@192.0.2.10>", flow, expires: 600, callId: "a", cseq: 2);
        await session.Store.FlushAsync();
        Assert.That(Row(), Is.EqualTo((1L, 600L)), "301 s of 600 left on disk: deferred");

        _time.Advance(TimeSpan.FromSeconds(2));
        Register(session.Store, "1000", "<sip:1000@192.0.2.10>", flow, expires: 600, callId: "a", cseq: 3);
        await session.Store.FlushAsync();
        Assert.That(Row(), Is.EqualTo((3L, 901L)), "299 s of 600 left: written, with the latest state");

        Register(session.Store, "1000", "<sip:1000@192.0.2.10>", moved, expires: 600, callId: "a", cseq: 4);
        await session.Store.FlushAsync();
        Assert.That(Row().CSeq, Is.EqualTo(4), "a binding that moved (NAT rebinding) is written at once");
        Assert.That(session.Store.DeferredRefreshes, Is.EqualTo(1));

        (long CSeq, long ExpiresIn) Row()
        {
            using var connection = session.Database.OpenConnection();
            var (cseq, expires) = connection.QuerySingle<(long, string)>("SELECT cseq, expires_utc FROM registrations;");
            return (cseq, (long)(DateTimeOffset.Parse(expires, System.Globalization.CultureInfo.InvariantCulture) - start).TotalSeconds);
        }
    }

    [Test]
    public async Task TheWriteQueueHoldsOneEntryPerBindingHoweverOftenItChanges()
    {
        using var database = await OpenDatabaseAsync();
        var repository = new RegistrationRepository(database);
        await using var writer = new RegistrationWriter(repository, _time, NullLogger.Instance);
        var template = Binding(1, 1);
        for (uint cseq = 1; cseq <= 1000; cseq++)
        {
            writer.EnqueueUpsert(template with { Id = 1 + (cseq % 3), CSeq = cseq });
        }

        Assert.That(writer.PendingWrites, Is.EqualTo(3));

        writer.Start();
        await writer.FlushAsync();

        using var connection = database.OpenConnection();
        Assert.That(connection.Query<long>("SELECT cseq FROM registrations ORDER BY id;"), Is.EqualTo(new long[] { 999, 1000, 998 }));
        Assert.That(writer.Written, Is.EqualTo(3), "three rows written, not a thousand");
    }

    [Test]
    public async Task ChangesArrivingWithinTheBatchWindowAreCommittedTogether()
    {
        using var database = await OpenDatabaseAsync();
        await using var writer = new RegistrationWriter(new RegistrationRepository(database), _time, NullLogger.Instance);
        writer.Start();
        writer.EnqueueUpsert(Binding(1, 1));
        Assert.That(await PollAsync(() => writer.Batches == 1), Is.True, "the first change is written at once");

        for (var id = 2; id <= 51; id++)
        {
            writer.EnqueueUpsert(Binding(id, 1));
        }

        // Real time passes, fake time does not: the writer is still inside its 100 ms window.
        await Task.Delay(200);
        Assert.That(writer.Batches, Is.EqualTo(1));
        Assert.That(writer.PendingWrites, Is.EqualTo(50));

        _time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.That(await PollAsync(() => writer.Batches == 2 && writer.Written == 51), Is.True, "fifty changes, one commit");
    }

    [Test]
    public async Task AFlushDoesNotWaitForTheBatchWindow()
    {
        using var database = await OpenDatabaseAsync();
        await using var writer = new RegistrationWriter(new RegistrationRepository(database), _time, NullLogger.Instance);
        writer.Start();
        writer.EnqueueUpsert(Binding(1, 1));
        Assert.That(await PollAsync(() => writer.Batches == 1), Is.True);
        writer.EnqueueUpsert(Binding(2, 1));

        await writer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(writer.Written, Is.EqualTo(2));
    }

    private static async Task<bool> PollAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        return condition();
    }

    [Test]
    public async Task ARowThatCannotBeReadBackIsDroppedAtStart()
    {
        using (var database = await OpenDatabaseAsync())
        {
            using var connection = database.OpenConnection();
            connection.Execute(
                "INSERT INTO registrations (id, extension, contact_uri, q, call_id, cseq, expires_utc, registered_utc, updated_utc, user_agent, " +
                "transport, received_address, received_port, listener, connection_id) VALUES " +
                "(5, '1000', 'not a uri', NULL, 'c', 1, @Expires, @Now, @Now, NULL, 'udp', '192.0.2.10', 5060, NULL, 0);",
                new { Expires = _time.GetUtcNow().AddHours(1).ToString("O"), Now = _time.GetUtcNow().ToString("O") });
        }

        SqliteConnection.ClearAllPools();
        await using (var session = await OpenAsync())
        {
            Assert.That(session.Store.BindingCount, Is.Zero);
            await session.Store.FlushAsync();
            using var connection = session.Database.OpenConnection();
            Assert.That(connection.ExecuteScalar<long>("SELECT COUNT(*) FROM registrations;"), Is.Zero);
        }
    }

    private ContactBinding Binding(long id, uint cseq)
    {
        var (udp, _) = Listeners();
        Assert.That(SipUri.TryParse("sip:1000@192.0.2.10", out var uri), Is.True);
        return new ContactBinding
        {
            Id = id,
            Extension = "1000",
            ContactUri = uri!,
            Target = CallCenter.Core.Sip.Transactions.SipTarget.From(new SipFlow(udp, new IPEndPoint(IPAddress.Parse("192.0.2.10"), 5060), 0)),
            CallId = "c",
            CSeq = cseq,
            ExpiresAtUtc = _time.GetUtcNow().AddHours(1),
            RegisteredAtUtc = _time.GetUtcNow(),
            UpdatedAtUtc = _time.GetUtcNow(),
        };
    }

    private void Register(RegistrationStore store, string extension, string contact, SipFlow flow, uint expires = 3600, string callId = "call", uint cseq = 1)
    {
        var registrar = new SipRegistrar(store, _configuration, NullLogger<SipRegistrar>.Instance);
        var request = Requests.Register(extension, [contact], callId, cseq, expires);
        var response = registrar.Register(request, extension, flow, (status, reason) => SipMessageBuilder.ForResponse(request, status, reason, "t")).BuildResponse();
        Assert.That(response.StatusCode, Is.EqualTo(200), response.ToString);
    }

    private (SipListener Udp, SipListener Tcp) Listeners()
    {
        var (udpSocket, udp) = RegistrarHarness.Bind(SipTransport.Udp);
        var (tcpSocket, tcp) = RegistrarHarness.Bind(SipTransport.Tcp);
        _disposables.Add(udpSocket);
        _disposables.Add(tcpSocket);
        return (udp, tcp);
    }

    private Task<Database> OpenDatabaseAsync() => Database.OpenAsync(_options, NullLogger<Database>.Instance, CancellationToken.None);

    private async Task<Session> OpenAsync()
    {
        var database = await OpenDatabaseAsync();
        var log = new ListLogger<RegistrationStore>();
        var store = await RegistrationStore.OpenAsync(database, _time, new SingleLoggerFactory(log), CancellationToken.None);
        return new Session(database, store, log);
    }

    private sealed record Session(Database Database, RegistrationStore Store, ListLogger<RegistrationStore> Log) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Store.DisposeAsync();
            Database.Dispose();
            SqliteConnection.ClearAllPools();
        }
    }

    private sealed class SingleLoggerFactory(ListLogger<RegistrationStore> logger) : Microsoft.Extensions.Logging.ILoggerFactory
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => logger;

        public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }
}
