namespace UpdateBot.Turns;

/// <summary>Who may use a card verb. The person is always the activity's sender, never anything in the card's data.</summary>
public enum CardAudience
{
    /// <summary>Someone on the squad's roster (or one of its leads), for their own answer.</summary>
    Member,

    /// <summary>One of the squad's leads.</summary>
    Lead,

    /// <summary>Someone in the squad's team (on the roster, or a lead), acting in that team's channel: a reader of its weeknote.</summary>
    Reader,

    /// <summary>A lead; while the squad has none yet (the installer was not named by Teams), a member of the team in the squad's tenant.</summary>
    LeadOrFirstSetup,
}
