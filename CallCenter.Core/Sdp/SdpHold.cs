namespace CallCenter.Core.Sdp;

// Hold detection in both forms and with RFC 8866's precedence: a media-level direction beats the session-level
// one, which beats the sendrecv default; a media-level c= beats the session-level one. "recvonly" is not hold:
// the party asks to receive (it is the answer to a hold, or a listen-only stream).
public static class SdpHold
{
    public static SdpHoldKind Detect(SdpSessionDescription description, SdpMediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(media);
        if (media.IsRejected)
        {
            return SdpHoldKind.None;
        }

        // Phones that hold with a=sendonly and c=0.0.0.0 together report the modern form.
        switch (description.GetDirection(media))
        {
            case SdpDirection.SendOnly:
                return SdpHoldKind.SendOnly;
            case SdpDirection.Inactive:
                return SdpHoldKind.Inactive;
        }

        return description.GetConnection(media) is { IsNullAddress: true } ? SdpHoldKind.NullConnection : SdpHoldKind.None;
    }

    // The first audio stream that is not rejected decides for the call: the relay anchors one audio stream.
    public static SdpHoldKind Detect(SdpSessionDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        foreach (var media in description.Media)
        {
            if (media.IsAudio && !media.IsRejected)
            {
                return Detect(description, media);
            }
        }

        return SdpHoldKind.None;
    }

    public static bool IsHold(SdpSessionDescription description) => Detect(description) != SdpHoldKind.None;
}
