package health.circles.network;

/** How an interaction happened; on-the-ground channels build ties faster than online ones (see the weights). */
public enum TouchpointChannel {
    IN_PERSON, HOME_VISIT, EVENT, PHONE, VIDEO, PORTAL, SMS, EMAIL, SOCIAL
}
