using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CallCenter.Tests.Support;

/// <summary>A bare OPTIONS over UDP to a running server, answered 200: what a monitoring probe (sipsak) does.</summary>
public static class SipOptionsProbe
{
    /// <summary>Sends OPTIONS for <paramref name="user"/> (also its Call-ID and branch, so each call is a new
    /// transaction) and asserts the answer is 200 within 5 s.</summary>
    public static async Task ExchangeAsync(UdpClient phone, IPEndPoint server, string user)
    {
        var request = $"OPTIONS sip:{user}@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK{user}\r\nMax-Forwards: 70\r\n" +
            $"From: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:{user}@127.0.0.1>\r\nCall-ID: {user}@test\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        await phone.SendAsync(Encoding.ASCII.GetBytes(request), server);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var answer = await phone.ReceiveAsync(timeout.Token);
        Assert.That(Encoding.ASCII.GetString(answer.Buffer), Does.StartWith("SIP/2.0 200 OK"));
    }
}
