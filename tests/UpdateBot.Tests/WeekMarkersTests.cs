using System.Reflection;
using Azure.Data.Tables;
using UpdateBot.Domain;
using UpdateBot.Storage;

namespace UpdateBot.Tests;

/// <summary>
/// <see cref="WeekMarkers.From"/> reads a squad-week partition as plain entities (markers and readers' questions in one
/// query) and maps markers by hand: every <see cref="MarkerRow"/> property must come back, or a rule that reads it (the
/// channel post's shown draft in status, say) silently sees its default.
/// </summary>
public sealed class WeekMarkersTests
{
    [Fact]
    public void Every_marker_property_survives_the_one_query_read_of_a_week()
    {
        var key = CycleStore.StepKey(CycleStep.Publish);
        var entity = new TableEntity("squad|2026-W48", key);
        var properties = typeof(MarkerRow).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(p => p.CanWrite).ToList();
        Assert.NotEmpty(properties);
        var expected = new Dictionary<string, object>();
        foreach (var property in properties)
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object value = type == typeof(string) ? "value of " + property.Name
                : type == typeof(int) ? 7
                : type == typeof(DateTimeOffset) ? new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero)
                : throw new InvalidOperationException($"Add a sample value for {type.Name} ({property.Name}).");
            entity[property.Name] = value;
            expected[property.Name] = value;
        }

        var read = WeekMarkers.From([entity]).Step(CycleStep.Publish);

        Assert.NotNull(read);
        foreach (var property in properties)
        {
            Assert.True(Equals(expected[property.Name], property.GetValue(read)), $"MarkerRow.{property.Name} was not read back from the week's partition.");
        }
    }
}
