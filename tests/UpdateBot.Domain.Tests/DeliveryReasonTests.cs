using UpdateBot.Domain;

namespace UpdateBot.Domain.Tests;

public class DeliveryReasonTests
{
    [Fact]
    public void A_reason_is_stored_as_its_code_and_value_and_read_back()
    {
        Assert.Equal("Blocked", new DeliveryReason(ReasonCode.Blocked).Stored);
        Assert.Equal("Refused:403 Bot:Code", new DeliveryReason(ReasonCode.Refused, "403 Bot:Code").Stored);
        Assert.Equal(new DeliveryReason(ReasonCode.Refused, "403 Bot:Code"), DeliveryReason.Read("Refused:403 Bot:Code"));
        Assert.Equal(new DeliveryReason(ReasonCode.UnconfirmedError, ""), DeliveryReason.Read("UnconfirmedError:"));
        Assert.All(Enum.GetValues<ReasonCode>(), code => Assert.Equal(new DeliveryReason(code), DeliveryReason.Read(new DeliveryReason(code).Stored)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("SomethingALaterVersionAdded")]
    [InlineData("3")]
    [InlineData("blocked")]
    public void No_code_or_one_this_version_does_not_know_reads_as_none(string? stored) => Assert.Null(DeliveryReason.Read(stored));
}
