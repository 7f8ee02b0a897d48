package dev.gatehouse.engine;

import java.util.Objects;

/**
 * The engine's answer: an effect and the reason for it. Never null; a deny always says what was
 * missing, an allow of a check always names the role, assignment and grant that allowed it (an
 * allow of {@link TenantPolicy#covers} says whom the caller covers).
 */
public record Decision(Effect effect, Reason reason) {

    public enum Effect {
        ALLOW,
        DENY
    }

    public Decision {
        Objects.requireNonNull(effect, "effect");
        Objects.requireNonNull(reason, "reason");
        if ((effect == Effect.ALLOW) != (reason instanceof Reason.GrantedBy || reason instanceof Reason.Covers)) {
            throw new IllegalArgumentException(effect + " cannot carry " + reason.getClass().getSimpleName());
        }
    }

    public static Decision allow(Reason.GrantedBy reason) {
        return new Decision(Effect.ALLOW, reason);
    }

    /** Allowed to act on another user (TenantPolicy#covers). */
    public static Decision allow(Reason.Covers reason) {
        return new Decision(Effect.ALLOW, reason);
    }

    public static Decision deny(Reason reason) {
        return new Decision(Effect.DENY, reason);
    }

    public boolean allowed() {
        return effect == Effect.ALLOW;
    }

    /** A sentence for people: the reason in words. */
    public String explain() {
        return reason.explain();
    }
}
