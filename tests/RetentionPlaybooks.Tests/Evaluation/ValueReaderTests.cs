using System.Text.Json;
using RetentionPlaybooks.DataModel;
using RetentionPlaybooks.Evaluation;
using Xunit;

namespace RetentionPlaybooks.Tests.Evaluation;

/// <summary>Values from Customer.io outside any sane range read as missing; just inside, they read.</summary>
public sealed class ValueReaderTests
{
    private static Value Read(string json, DataType type)
    {
        using var doc = JsonDocument.Parse(json);
        return ValueReader.Read(doc.RootElement.Clone(), type);
    }

    [Theory]
    [InlineData("0", 0)]                                   // 1970, seconds
    [InlineData("1795870800", 1795870800)]                // 2026, seconds
    [InlineData("\"1795870800\"", 1795870800)]            // a numeric string, as Liquid renders it
    [InlineData("1795870800000", 1795870800)]             // 2026 in milliseconds
    [InlineData("100000000000", 100000000)]               // the first value read as milliseconds: 1973
    [InlineData("-100000000000", -100000000)]             // 1966 in milliseconds
    [InlineData("7258118400", 7258118400)]                // 2200-01-01, the last instant read
    [InlineData("-2208988800", -2208988800)]              // 1900-01-01, the first instant read
    [InlineData("7258118400000", 7258118400)]             // 2200-01-01 in milliseconds
    [InlineData("\"2026-11-28T13:42:00Z\"", 1795873320)]
    [InlineData("\"1900-01-01T00:00:00Z\"", -2208988800)]   // ISO text at both ends of the range
    [InlineData("\"2200-01-01T00:00:00Z\"", 7258118400)]
    [InlineData("\"-100000000000\"", -100000000)]          // signed and fractional numeric strings are numbers, not dates
    [InlineData("\"+1795870800\"", 1795870800)]
    [InlineData("\".5\"", 0.5)]
    public void Timestamp_SaneSecondsOrMilliseconds_Read(string json, double unixSeconds)
    {
        var value = Read(json, DataType.Timestamp);

        Assert.Equal(TypeKind.Timestamp, value.Kind);
        Assert.Equal(unixSeconds, value.AsUnixSeconds, 3);
    }

    [Theory]
    [InlineData("1e300")]
    [InlineData("-1e300")]
    [InlineData("99999999999")]          // seconds, year 5138: just below the milliseconds threshold
    [InlineData("7258118401")]           // one second after 2200-01-01
    [InlineData("-2208988801")]          // one second before 1900
    [InlineData("7258118401000")]        // the same in milliseconds
    [InlineData("-10000000000000")]      // milliseconds, year 1653
    [InlineData("1764337320000000")]     // microseconds are not guessed
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    [InlineData("\"1e300\"")]
    [InlineData("\"9999-12-31T23:59:59Z\"")]
    [InlineData("\"0001-01-01T00:00:00Z\"")]
    [InlineData("\"2200-01-01T00:00:00.001Z\"")]
    [InlineData("\"1899-12-31T23:59:59.999Z\"")]
    [InlineData("\"1e400\"")]
    public void Timestamp_OutOfAnySaneRange_IsMissing(string json)
    {
        Assert.True(Read(json, DataType.Timestamp).IsMissing);
    }

    [Theory]
    [InlineData("1e15", 1e15)]
    [InlineData("-1e15", -1e15)]
    [InlineData("\"180.50\"", 180.5)]
    public void Money_WithinLimit_Reads(string json, double expected)
    {
        var value = Read(json, DataType.Money);

        Assert.Equal(TypeKind.Money, value.Kind);
        Assert.Equal(expected, value.AsNumber);
    }

    [Theory]
    [InlineData("1.0000001e15")]
    [InlineData("-1.0000001e15")]
    [InlineData("1e300")]
    [InlineData("\"NaN\"")]
    [InlineData("\"-Infinity\"")]
    [InlineData("99999999999999999999")]
    public void NumberAndMoney_BeyondLimitOrNotFinite_AreMissing(string json)
    {
        Assert.True(Read(json, DataType.Money).IsMissing);
        Assert.True(Read(json, DataType.Number).IsMissing);
    }

    [Theory]
    [InlineData("[180]")]
    [InlineData("{\"amount\":180}")]
    [InlineData("true")]
    [InlineData("null")]
    public void NumberMoneyTimestampDuration_FromAnArrayObjectBooleanOrNull_AreMissing(string json)
    {
        // Neither a number nor a numeric string: no reading, not even of what the container holds.
        foreach (var type in new[] { DataType.Number, DataType.Money, DataType.Timestamp, DataType.Duration })
        {
            Assert.True(Read(json, type).IsMissing, $"{json} as {type}");
        }
    }

    [Theory]
    [InlineData("3155760000", false)]   // 100 years in seconds: the limit
    [InlineData("-3155760000", false)]
    [InlineData("3155760001", true)]
    [InlineData("1e300", true)]
    public void Duration_InSeconds_BeyondAHundredYears_IsMissing(string json, bool missing)
    {
        Assert.Equal(missing, Read(json, DataType.Duration).IsMissing);
    }

    [Theory]
    [InlineData("1", false, true)]
    [InlineData("0", false, false)]
    [InlineData("2", true, false)]
    [InlineData("-1", true, false)]
    [InlineData("0.5", true, false)]
    [InlineData("\"true\"", false, true)]
    public void Boolean_FromNumbersOnlyZeroAndOne(string json, bool missing, bool value)
    {
        var read = Read(json, DataType.Boolean);

        Assert.Equal(missing, read.IsMissing);
        if (!missing) Assert.Equal(value, read.AsBoolean);
    }

    [Theory]
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    [InlineData("12.50", "12.50")]
    public void String_FromOtherScalars_ReadsTheirText(string json, string expected)
    {
        Assert.Equal(expected, Read(json, DataType.String).AsString);
    }

    [Fact]
    public void Value_ToString_OfTheExtremeTimestamps_DoesNotThrow()
    {
        Assert.Equal("2200-01-01T00:00:00Z", Value.Timestamp(ValueLimits.MaxUnixSeconds).ToString());
        Assert.Equal("1900-01-01T00:00:00Z", Value.Timestamp(ValueLimits.MinUnixSeconds).ToString());
    }

    [Theory]
    [InlineData("{\"event\":{\"name\":\"x\"},\"timestamp\":1e300}")]
    [InlineData("{\"event\":{\"name\":\"x\"},\"timestamp\":99999999999999999999}")]
    [InlineData("{\"event\":{\"name\":\"x\"},\"timestamp\":-1e15}")]
    [InlineData("{\"event\":{\"name\":\"x\"},\"timestamp\":\"NaN\"}")]
    [InlineData("{\"event\":{\"name\":\"x\"},\"timestamp\":\"\"}")]
    [InlineData("{\"event\":{\"name\":\"x\"},\"timestamp\":\"   \"}")]
    public void TriggerInput_TimestampOutOfRange_HasNoTimestamp(string json)
    {
        using var doc = JsonDocument.Parse(json);

        var input = TriggerInput.Parse(doc.RootElement, out var error);

        Assert.Null(error);
        Assert.Null(input!.Timestamp);
    }
}
