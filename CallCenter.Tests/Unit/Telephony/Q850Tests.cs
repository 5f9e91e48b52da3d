using CallCenter.Core.Telephony;

namespace CallCenter.Tests.Unit.Telephony;

/// <summary>The mapping tables of RFC 3398, row by row, and what we do where the RFC is silent.</summary>
public sealed class Q850Tests
{
    // RFC 3398 §7.2.4.1, "Response received" → "Cause value in the REL", every row the table gives a cause.
    [TestCase(400, 41)]
    [TestCase(401, 21)]
    [TestCase(402, 21)]
    [TestCase(403, 21)]
    [TestCase(404, 1)]
    [TestCase(405, 63)]
    [TestCase(406, 79)]
    [TestCase(407, 21)]
    [TestCase(408, 102)]
    [TestCase(410, 22)]
    [TestCase(413, 127)]
    [TestCase(414, 127)]
    [TestCase(415, 79)]
    [TestCase(416, 127)]
    [TestCase(420, 127)]
    [TestCase(421, 127)]
    [TestCase(423, 127)]
    [TestCase(480, 18)]
    [TestCase(481, 41)]
    [TestCase(482, 25)]
    [TestCase(483, 25)]
    [TestCase(484, 28)]
    [TestCase(485, 1)]
    [TestCase(486, 17)]
    [TestCase(500, 41)]
    [TestCase(501, 79)]
    [TestCase(502, 38)]
    [TestCase(503, 41)]
    [TestCase(504, 102)]
    [TestCase(505, 127)]
    [TestCase(513, 127)]
    [TestCase(600, 17)]
    [TestCase(603, 21)]
    [TestCase(604, 1)]
    public void ASipFailureMapsToTheCauseOfRfc3398Section7241(int status, int cause)
    {
        Assert.That(Q850.TryFromSipStatus(status, out var mapped), Is.True);
        Assert.That(mapped, Is.EqualTo(cause));
    }

    // Not in the table: the x00 of the class (RFC 3261 §8.1.3.2).
    [TestCase(409, 41)]
    [TestCase(422, 41)]
    [TestCase(499, 41)]
    [TestCase(580, 41)]
    [TestCase(599, 41)]
    [TestCase(607, 17)]
    public void AnUnlistedFailureIsReadAsTheFirstCodeOfItsClass(int status, int cause)
    {
        Assert.That(Q850.TryFromSipStatus(status, out var mapped), Is.True);
        Assert.That(mapped, Is.EqualTo(cause));
    }

    [TestCase(488)]
    [TestCase(606)]
    public void TheWarningHeaderRowsGetTheGenericInterworkingCause(int status)
    {
        Assert.That(Q850.TryFromSipStatus(status, out var mapped), Is.True);
        Assert.That(mapped, Is.EqualTo(Q850.Interworking));
    }

    [TestCase(100)]
    [TestCase(180)]
    [TestCase(200)]
    [TestCase(302)]
    [TestCase(399)]
    [TestCase(487)]
    [TestCase(700)]
    [TestCase(0)]
    [TestCase(-486)]
    public void NoCauseForWhatIsNotAFailureNorForRequestTerminated(int status)
    {
        Assert.That(Q850.TryFromSipStatus(status, out var mapped), Is.False);
        Assert.That(mapped, Is.Zero);
    }

    // RFC 3398 §8.2.6.1, ISUP cause value → SIP response, every row.
    [TestCase(1, 404)]
    [TestCase(2, 404)]
    [TestCase(3, 404)]
    [TestCase(17, 486)]
    [TestCase(18, 408)]
    [TestCase(19, 480)]
    [TestCase(20, 480)]
    [TestCase(21, 403)]
    [TestCase(22, 410)]
    [TestCase(23, 410)]
    [TestCase(26, 404)]
    [TestCase(27, 502)]
    [TestCase(28, 484)]
    [TestCase(29, 501)]
    [TestCase(31, 480)]
    [TestCase(34, 503)]
    [TestCase(38, 503)]
    [TestCase(41, 503)]
    [TestCase(42, 503)]
    [TestCase(47, 503)]
    [TestCase(55, 403)]
    [TestCase(57, 403)]
    [TestCase(58, 503)]
    [TestCase(65, 488)]
    [TestCase(70, 488)]
    [TestCase(79, 501)]
    [TestCase(87, 403)]
    [TestCase(88, 503)]
    [TestCase(102, 504)]
    [TestCase(111, 500)]
    [TestCase(127, 500)]
    public void ACauseMapsToTheResponseOfRfc3398Section8261(int cause, int status)
    {
        Assert.That(Q850.TryToSipStatus(cause, out var mapped), Is.True);
        Assert.That(mapped, Is.EqualTo(status));
    }

    // Not in the table: answered as the unspecified cause of the Q.850 class would be.
    [TestCase(6, 480)]
    [TestCase(24, 480)]
    [TestCase(44, 503)]
    [TestCase(50, 503)]
    [TestCase(63, 503)]
    [TestCase(66, 501)]
    [TestCase(81, 500)]
    [TestCase(95, 500)]
    [TestCase(99, 500)]
    [TestCase(120, 500)]
    public void AnUnlistedCauseIsAnsweredByItsClass(int cause, int status)
    {
        Assert.That(Q850.TryToSipStatus(cause, out var mapped), Is.True);
        Assert.That(mapped, Is.EqualTo(status));
    }

    [TestCase(16)]
    [TestCase(0)]
    [TestCase(128)]
    [TestCase(-1)]
    public void NormalClearingIsAByeNotAResponseAndOutOfRangeHasNone(int cause)
    {
        Assert.That(Q850.TryToSipStatus(cause, out var mapped), Is.False);
        Assert.That(mapped, Is.Zero);
    }

    [Test]
    public void TheNamedCausesAreTheQ850Values()
    {
        Assert.That(
            new[] { Q850.NormalClearing, Q850.UserBusy, Q850.NoUserResponding, Q850.NoAnswer, Q850.CallRejected, Q850.TemporaryFailure, Q850.Interworking },
            Is.EqualTo(new[] { 16, 17, 18, 19, 21, 41, 127 }));
    }

    [Test]
    public void EveryCauseTheSipTableProducesCanBeAnsweredAgain()
    {
        // A B2BUA that relays a callee's failure to the caller goes SIP → cause → SIP; nothing must fall through.
        for (var status = 400; status <= 699; status++)
        {
            if (Q850.TryFromSipStatus(status, out var cause))
            {
                Assert.That(Q850.TryToSipStatus(cause, out var back), Is.True, $"{status} → {cause}");
                Assert.That(back, Is.InRange(400, 699));
            }
        }
    }
}
