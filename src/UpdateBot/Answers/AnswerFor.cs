using UpdateBot.Domain;
using UpdateBot.Localisation;
using UpdateBot.Storage;

namespace UpdateBot.Answers;

/// <summary>
/// What every answer operation is about: one member's entry in one squad-week. One value where four parameters (squad,
/// week, member id, member name) used to travel together through every call.
/// </summary>
public sealed record AnswerFor(Squad Squad, IsoWeek Week, Author Author)
{
    public AnswerFor(Squad squad, IsoWeek week, string memberId, string memberName)
        : this(squad, week, new Author(new UserId(memberId), memberName))
    {
    }

    /// <summary>The member's language: the cards and messages of the operation are in it.</summary>
    public Language Language { get; init; }

    /// <summary>The strings of <see cref="Language"/>.</summary>
    public Texts Texts => Texts.For(Language);

    public void Deconstruct(out Squad squad, out IsoWeek week, out string memberId, out string memberName) =>
        (squad, week, memberId, memberName) = (Squad, Week, Author.Id.Value, Author.Name);
}
