package health.circles.outreach;

/** What came of approaching one contact in a campaign. */
public enum CampaignOutcome {
    /** The message got to the contact. */
    REACHED,
    /** The contact answered or acted on it. */
    RESPONDED,
    /** The contact said no to this campaign. */
    DECLINED,
    /** The contact wants no more contact on the campaign's channel: consent becomes DENIED at once. */
    OPTED_OUT
}
