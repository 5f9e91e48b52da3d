using System.Net;
using System.Net.Sockets;
using System.Text;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Tests.Support;

/// <summary>A server transaction for testing a transaction user: it keeps every response handed to it, parsed.</summary>
public sealed class RecordingServerTransaction : SipServerTransaction, IDisposable
{
    private readonly Socket _socket;

    public RecordingServerTransaction(string requestText, IPEndPoint? source = null)
    {
        Assert.That(SipMessageParser.TryParse(Encoding.UTF8.GetBytes(requestText), out var message, out var error), Is.True, error.ToString());
        Request = (SipRequest)message!;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var listener = new SipListener(new SipListenerOptions { Transport = SipTransport.Udp, Address = IPAddress.Loopback, Port = 0 }, 0, _socket);
        Flow = new SipFlow(listener, source ?? new IPEndPoint(IPAddress.Parse("192.0.2.10"), 5062), 0);
    }

    public override SipRequest Request { get; }

    public override SipFlow Flow { get; }

    public override bool HasFinalResponse => Discarded || Responses.Any(r => r.StatusCode >= 200);

    public bool Discarded { get; private set; }

    /// <summary>What <see cref="Backlog"/> reports: items queued behind the request.</summary>
    public int QueuedBehind { get; init; }

    public override int Backlog => QueuedBehind;

    public List<SipResponse> Responses { get; } = [];

    public SipResponse Final => Responses.Single(r => r.StatusCode >= 200);

    public override void Respond(SipMessageBuilder response) => Responses.Add(response.BuildResponse());

    public override void Discard()
    {
        // Like the real transaction: a discard after a final response changes nothing.
        if (!HasFinalResponse)
        {
            Discarded = true;
        }
    }

    public void Dispose() => _socket.Dispose();
}
