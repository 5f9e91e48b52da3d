using System.Xml.Linq;
using CallCenter.Core.Configuration;

namespace CallCenter.Server.Configuration;

/// <summary>Rules for callcenter.xml.</summary>
internal static partial class ConfigValidator
{
    public static void ValidateMain(ConfigReader r, XElement root, SipOptions sip, RtpOptions rtp, WebOptions web)
    {
        var sipElement = root.Element("sip") ?? new XElement("sip");
        var listeners = Zip(sip.Listeners, sipElement.Elements("listener"));
        ListenersDoNotCollide(r, listeners);
        TlsListenersHaveCertificates(r, listeners);
        PlainListenersHaveNoCertificate(r, listeners);
        TimerT1NotAboveT2(r, sipElement.Element("timers"), sip.Timers);
        RegistrarExpiresOrdered(r, sipElement.Element("registrar"), sip.Registrar);
        RtpRangeUsable(r, root.Element("rtp"), rtp);
        RtpRangeAvoidsSipPorts(r, rtp, listeners);
        WebPortAvoidsSipPorts(r, root.Element("web"), web, listeners);
    }

    /// <summary>The queue_log must not be the database or one of SQLite's files beside it (-wal, -shm, -journal):
    /// appending text lines there would corrupt it.</summary>
    public static void ValidateStorage(ConfigReader r, XElement? storage, StorageOptions values)
    {
        if (storage is null || !values.QueueLog)
        {
            return;
        }

        string[] database = [values.DatabaseFileName, values.DatabaseFileName + "-wal", values.DatabaseFileName + "-shm", values.DatabaseFileName + "-journal"];
        if (database.Contains(values.QueueLogFileName, StringComparer.OrdinalIgnoreCase))
        {
            r.Error(At(storage, "queueLogFile"),
                $"queueLogFile '{values.QueueLogFileName}' is the database or one of its files; give the queue_log a name of its own.");
        }
    }

    // Two listeners collide when they would bind the same kind of socket (UDP, or TCP for tcp and tls) to the
    // same port on overlapping addresses; the second bind would fail at start-up.
    private static void ListenersDoNotCollide(ConfigReader r, IReadOnlyList<(SipListenerOptions Value, XElement Element)> listeners)
    {
        for (var j = 1; j < listeners.Count; j++)
        {
            var (second, secondElement) = listeners[j];
            for (var i = 0; i < j; i++)
            {
                var (first, firstElement) = listeners[i];
                if (first.Port != second.Port || IsStream(first.Transport) != IsStream(second.Transport)
                    || !Overlap(first.Address, second.Address))
                {
                    continue;
                }

                if (first.Transport == second.Transport && first.Address.Equals(second.Address))
                {
                    r.Error(At(secondElement, "port"),
                        $"This listener ({second}) duplicates the one at {Where(firstElement)}; remove one of them.");
                }
                else
                {
                    var kind = IsStream(second.Transport) ? "TCP" : "UDP";
                    r.Error(At(secondElement, "port"),
                        $"This listener ({second}) needs the same {kind} port as the listener {first} at {Where(firstElement)}; " +
                        "change the port of one of them.");
                }

                break;
            }
        }
    }

    private static void TlsListenersHaveCertificates(ConfigReader r, IReadOnlyList<(SipListenerOptions Value, XElement Element)> listeners)
    {
        foreach (var (listener, element) in listeners)
        {
            if (listener.Transport != SipTransport.Tls)
            {
                continue;
            }

            if (listener.CertificatePath is null)
            {
                r.Error(element, $"The tls listener {listener} has no certificate; add certificate=\"certs/server.pfx\" (a path relative to the configuration folder).");
                continue;
            }

            if (!File.Exists(listener.CertificatePath))
            {
                r.Error(element.Attribute("certificate"),
                    $"The certificate file '{listener.CertificatePath}' does not exist; correct the path or put the certificate there.");
            }

            if (listener.PrivateKeyPath is not null && !File.Exists(listener.PrivateKeyPath))
            {
                r.Error(element.Attribute("privateKey"),
                    $"The private key file '{listener.PrivateKeyPath}' does not exist; correct the path or put the key there.");
            }
        }
    }

    // A certificate on a udp or tcp listener does nothing; saying so beats letting an admin believe it is encrypted.
    private static void PlainListenersHaveNoCertificate(ConfigReader r, IReadOnlyList<(SipListenerOptions Value, XElement Element)> listeners)
    {
        foreach (var (listener, element) in listeners)
        {
            if (listener.Transport == SipTransport.Tls)
            {
                continue;
            }

            foreach (var name in new[] { "certificate", "certificatePassword", "privateKey" })
            {
                var attribute = element.Attribute(name);
                if (attribute is not null)
                {
                    r.Error(attribute, $"'{name}' only applies to transport=\"tls\"; remove it or change this listener's transport to tls.");
                }
            }
        }
    }

    // RFC 3261 §17.1.2.2: non-INVITE retransmissions double from T1 up to T2, so T1 above T2 makes no sense.
    private static void TimerT1NotAboveT2(ConfigReader r, XElement? timers, SipTimerOptions values)
    {
        if (timers is not null && values.T1 > values.T2)
        {
            r.Error(At(timers, "t1Ms"),
                $"t1Ms ({values.T1.TotalMilliseconds:0}) must not be greater than t2Ms ({values.T2.TotalMilliseconds:0}); lower t1Ms or raise t2Ms.");
        }
    }

    private static void RegistrarExpiresOrdered(ConfigReader r, XElement? registrar, RegistrarOptions values)
    {
        if (registrar is null)
        {
            return;
        }

        if (values.MinExpires > values.DefaultExpires)
        {
            r.Error(At(registrar, "minExpires"),
                $"minExpires ({values.MinExpires.TotalSeconds:0}) must not be greater than defaultExpires ({values.DefaultExpires.TotalSeconds:0}); " +
                "lower minExpires or raise defaultExpires.");
        }

        if (values.DefaultExpires > values.MaxExpires)
        {
            r.Error(At(registrar, "defaultExpires"),
                $"defaultExpires ({values.DefaultExpires.TotalSeconds:0}) must not be greater than maxExpires ({values.MaxExpires.TotalSeconds:0}); " +
                "lower defaultExpires or raise maxExpires.");
        }
    }

    // RFC 3550 §11: RTP takes an even port and RTCP the odd one above it, so the range starts on an even port
    // and must hold at least that one pair.
    private static void RtpRangeUsable(ConfigReader r, XElement? rtp, RtpOptions values)
    {
        if (rtp is null)
        {
            return;
        }

        if (values.PortMin % 2 != 0)
        {
            r.Error(At(rtp, "portMin"),
                $"portMin ({values.PortMin}) must be even, because RTP uses the even port and RTCP the odd one above it; " +
                $"change it to {values.PortMin - 1} or {values.PortMin + 1}.");
        }

        if (values.PortMin >= values.PortMax)
        {
            r.Error(At(rtp, "portMax"),
                $"portMax ({values.PortMax}) must be greater than portMin ({values.PortMin}) so that the range holds at least one RTP/RTCP port pair; " +
                "raise portMax or lower portMin.");
        }
    }

    private static void RtpRangeAvoidsSipPorts(ConfigReader r, RtpOptions rtp, IReadOnlyList<(SipListenerOptions Value, XElement Element)> listeners)
    {
        foreach (var (listener, element) in listeners)
        {
            if (listener.Transport == SipTransport.Udp && listener.Port >= rtp.PortMin && listener.Port <= rtp.PortMax
                && Overlap(listener.Address, rtp.BindAddress))
            {
                r.Error(At(element, "port"),
                    $"UDP port {listener.Port} of this listener lies inside the RTP range {rtp.PortMin}-{rtp.PortMax}; " +
                    "change the listener's port or move the RTP range.");
            }
        }
    }

    private static void WebPortAvoidsSipPorts(ConfigReader r, XElement? web, WebOptions values, IReadOnlyList<(SipListenerOptions Value, XElement Element)> listeners)
    {
        // Port 0 lets the system choose, which never collides.
        if (web is null || values.Port == 0)
        {
            return;
        }

        foreach (var (listener, element) in listeners)
        {
            if (IsStream(listener.Transport) && listener.Port == values.Port && Overlap(listener.Address, values.Address))
            {
                r.Error(At(web, "port"),
                    $"The web console's TCP port {values.Port} is also used by the SIP listener {listener} at {Where(element)}; change one of them.");
                return;
            }
        }
    }

    private static bool IsStream(SipTransport transport) => transport is SipTransport.Tcp or SipTransport.Tls;
}
