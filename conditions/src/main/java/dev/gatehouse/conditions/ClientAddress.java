package dev.gatehouse.conditions;

/**
 * {@code request.ip} as conditions see it: an address of its own CEL type, so that
 * {@code request.ip in ['10.0.0.0/8']} means "within one of these ranges" (docs/access-model.md,
 * "Conditions") rather than "equal to one of these strings".
 */
record ClientAddress(String text) {

    @Override
    public String toString() {
        return text;
    }
}
