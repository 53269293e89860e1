namespace Bazaar.Payments.Providers;

/// <summary>
/// The sandbox's test cards: the number decides what happens to an authorization. Any other Luhn-valid number
/// succeeds (issued in the US).
/// </summary>
public static class SandboxCards
{
    public const string Success = "success";
    public const string InsufficientFunds = "insufficient_funds";
    public const string StolenCard = "stolen_card";
    public const string ProcessingError = "processing_error";
    public const string Slow = "slow";

    public const string Visa = "4242424242424242";
    public const string Mastercard = "5555555555554444";
    public const string InsufficientFundsCard = "4000000000009995";
    public const string StolenCardCard = "4000000000009979";
    public const string ProcessingErrorCard = "4000000000000119";
    public const string SlowCard = "4000000000006975";
    public const string FrenchCard = "4000002500000003";
    public const string GermanCard = "4000002760000016";

    public static string ScenarioOf(string digits) => digits switch
    {
        InsufficientFundsCard => InsufficientFunds,
        StolenCardCard => StolenCard,
        ProcessingErrorCard => ProcessingError,
        SlowCard => Slow,
        _ => Success,
    };

    public static string CountryOf(string digits) => digits switch
    {
        FrenchCard => "FR",
        GermanCard => "DE",
        _ => "US",
    };

    /// <summary>The card brand from the issuer identification number (the leading digits).</summary>
    public static string BrandOf(string digits)
    {
        if (digits.Length < 4)
            return "unknown";
        var two = (digits[0] - '0') * 10 + (digits[1] - '0');
        var four = two * 100 + (digits[2] - '0') * 10 + (digits[3] - '0');
        return digits[0] == '4' ? "visa"
            : two is >= 51 and <= 55 || four is >= 2221 and <= 2720 ? "mastercard"
            : two is 34 or 37 ? "amex"
            : "unknown";
    }

    /// <summary>The Luhn (mod 10) check every card number passes; catches a mistyped digit or two swapped neighbours.</summary>
    public static bool IsLuhnValid(string digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (d is < 0 or > 9)
                return false;
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                    d -= 9;
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return digits.Length > 0 && sum % 10 == 0;
    }
}
