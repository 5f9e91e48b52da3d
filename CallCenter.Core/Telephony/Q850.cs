namespace CallCenter.Core.Telephony;

/// <summary>
/// ITU-T Q.850 cause values (what Asterisk calls the hangup cause) and their mapping to and from SIP status codes as
/// RFC 3398 gives it: §7.2.4.1 for a SIP final response turned into a cause (SIP to ISUP), §8.2.6.1 for a cause
/// turned into a SIP response (ISUP to SIP). A neutral place: the call layer uses it to answer and to report, the
/// CDR store to label interrupted calls. Pure functions, no state.
/// </summary>
public static class Q850
{
    public const int UnallocatedNumber = 1;
    public const int NoRouteToNetwork = 2;
    public const int NoRouteToDestination = 3;
    public const int NormalClearing = 16;
    public const int UserBusy = 17;
    public const int NoUserResponding = 18;
    public const int NoAnswer = 19;
    public const int SubscriberAbsent = 20;
    public const int CallRejected = 21;
    public const int NumberChanged = 22;
    public const int RedirectionToNewDestination = 23;
    public const int ExchangeRoutingError = 25;
    public const int NonSelectedUserClearing = 26;
    public const int DestinationOutOfOrder = 27;
    public const int InvalidNumberFormat = 28;
    public const int FacilityRejected = 29;
    public const int NormalUnspecified = 31;
    public const int NoCircuitAvailable = 34;
    public const int NetworkOutOfOrder = 38;
    public const int TemporaryFailure = 41;
    public const int SwitchingEquipmentCongestion = 42;
    public const int ResourceUnavailable = 47;
    public const int IncomingCallsBarredWithinCug = 55;
    public const int BearerCapabilityNotAuthorized = 57;
    public const int BearerCapabilityNotAvailable = 58;
    public const int ServiceOrOptionUnavailable = 63;
    public const int BearerCapabilityNotImplemented = 65;
    public const int OnlyRestrictedDigitalAvailable = 70;
    public const int ServiceOrOptionNotImplemented = 79;
    public const int UserNotMemberOfCug = 87;
    public const int IncompatibleDestination = 88;
    public const int RecoveryOnTimerExpiry = 102;
    public const int ProtocolError = 111;
    public const int Interworking = 127;

    /// <summary>
    /// The cause for a failed INVITE's final response, per the table of RFC 3398 §7.2.4.1. A 4xx-6xx code the table
    /// does not list is read as the x00 of its class, as RFC 3261 §8.1.3.2 tells a UAC to treat an unknown code.
    /// Returns false for codes below 400 or above 699 (not a failure), and for 487 Request Terminated, which the RFC
    /// leaves unmapped: the call layer knows why the INVITE was cancelled and picks the cause itself (a caller who
    /// hangs up while it rings is <see cref="NormalClearing"/>, as Asterisk reports it).
    /// </summary>
    public static bool TryFromSipStatus(int status, out int cause)
    {
        cause = status switch
        {
            400 => TemporaryFailure,
            401 or 402 or 403 or 407 => CallRejected,
            404 or 485 or 604 => UnallocatedNumber,
            405 => ServiceOrOptionUnavailable,
            406 or 415 or 501 => ServiceOrOptionNotImplemented,
            408 or 504 => RecoveryOnTimerExpiry,
            410 => NumberChanged,
            413 or 414 or 416 or 420 or 421 or 423 or 505 or 513 => Interworking,
            480 => NoUserResponding,
            481 or 500 or 503 => TemporaryFailure,
            482 or 483 => ExchangeRoutingError,
            484 => InvalidNumberFormat,
            486 or 600 => UserBusy,
            502 => NetworkOutOfOrder,
            603 => CallRejected,

            // The RFC maps 488 and 606 "by Warning header" (the Warning code names the media problem). We keep no
            // Warning table, so they get the generic interworking cause rather than a guess at a specific one.
            488 or 606 => Interworking,
            _ => 0,
        };

        if (cause != 0)
        {
            return true;
        }

        if (status is < 400 or > 699 or 487)
        {
            return false;
        }

        return TryFromSipStatus(status / 100 * 100, out cause);
    }

    /// <summary>
    /// The SIP final response for a cause, per the table of RFC 3398 §8.2.6.1 (with cause 22 always 410 Gone: we
    /// never have the diagnostic that would make it a 301). Returns false for <see cref="NormalClearing"/>, which
    /// the RFC maps to a BYE or CANCEL rather than a response, and for values outside 1-127.
    /// A cause the table does not list is answered as the unspecified cause of its Q.850 class would be (31, 47,
    /// 79, 111, 127); the table has no row for the unspecified causes of two classes, so "service or option not
    /// available" (48-63) answers 503 like its 58, and "invalid message" (80-95) answers 500 like interworking.
    /// </summary>
    public static bool TryToSipStatus(int cause, out int status)
    {
        status = cause switch
        {
            UnallocatedNumber or NoRouteToNetwork or NoRouteToDestination or NonSelectedUserClearing => 404,
            UserBusy => 486,
            NoUserResponding => 408,
            NoAnswer or SubscriberAbsent or NormalUnspecified => 480,
            CallRejected or IncomingCallsBarredWithinCug or BearerCapabilityNotAuthorized or UserNotMemberOfCug => 403,
            NumberChanged or RedirectionToNewDestination => 410,
            DestinationOutOfOrder => 502,
            InvalidNumberFormat => 484,
            FacilityRejected or ServiceOrOptionNotImplemented => 501,
            NoCircuitAvailable or NetworkOutOfOrder or TemporaryFailure or SwitchingEquipmentCongestion
                or ResourceUnavailable or BearerCapabilityNotAvailable or IncompatibleDestination => 503,
            BearerCapabilityNotImplemented or OnlyRestrictedDigitalAvailable => 488,
            RecoveryOnTimerExpiry => 504,
            ProtocolError or Interworking => 500,
            _ => 0,
        };

        if (status != 0)
        {
            return true;
        }

        // Q.850 groups causes by their top three bits: 0-31 normal event, 32-47 resource unavailable, 48-63 service
        // or option not available, 64-79 not implemented, 80-95 invalid message, 96-111 protocol error, 112-127
        // interworking.
        status = cause switch
        {
            NormalClearing or < 1 or > 127 => 0,
            <= 31 => 480,
            <= 63 => 503,
            <= 79 => 501,
            _ => 500,
        };

        return status != 0;
    }
}
