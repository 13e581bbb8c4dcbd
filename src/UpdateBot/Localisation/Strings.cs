namespace UpdateBot.Localisation;

/// <summary>
/// Names the resource files every card, message and command word the bot says is read from: <c>Strings.resx</c>
/// (English, en-GB, the neutral culture) and one <c>Strings.{culture}.resx</c> per other language
/// (docs/localisation.md). <c>CheckStrings.targets</c> fails the build when a key is in one file and not another.
/// </summary>
public sealed class Strings;
