package dev.gatehouse.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A role flattened over its inheritance and compiled against the catalog: for every permission,
 * the widest unconditional scope it grants and the conditional grants that would reach further.
 * Shared by every profile that holds the role.
 */
final class RoleTable {

    /** A grant as the role holds it, with the role that declared it (itself or an ancestor). */
    record HeldGrant(Grant grant, String declaredBy) {}

    static final int NONE = -1;

    final Role role;
    /** By permission id: the slot of that permission in this table, or -1. */
    final int[] slotOf;
    /** By slot: the permission id. */
    final int[] permissionOf;
    /** By slot: the ordinal of the widest unconditional scope, or {@link #NONE}. */
    final byte[] scope;
    /** By slot: the grant behind {@link #scope}, or null. */
    final @Nullable HeldGrant[] widest;
    /** By slot: conditional grants wider than {@link #scope}, widest first; null when none. */
    final @Nullable HeldGrant[][] conditional;

    private RoleTable(Role role, int[] slotOf, int[] permissionOf, byte[] scope, HeldGrant[] widest,
            HeldGrant[][] conditional) {
        this.role = role;
        this.slotOf = slotOf;
        this.permissionOf = permissionOf;
        this.scope = scope;
        this.widest = widest;
        this.conditional = conditional;
    }

    /** Compiles {@code flattened} (own grants first, then inherited ones) against {@code catalog}. */
    static RoleTable compile(Role role, List<HeldGrant> flattened, PermissionCatalog catalog) {
        int size = catalog.size();
        byte[] scopeById = new byte[size];
        Arrays.fill(scopeById, (byte) NONE);
        HeldGrant[] widestById = new HeldGrant[size];
        List<List<HeldGrant>> conditionalById = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            conditionalById.add(null);
        }
        for (HeldGrant held : flattened) {
            int reach = held.grant().scope().ordinal();
            for (int id : catalog.idsCoveredBy(held.grant().permission())) {
                if (held.grant().isConditional()) {
                    if (conditionalById.get(id) == null) {
                        conditionalById.set(id, new ArrayList<>());
                    }
                    conditionalById.get(id).add(held);
                } else if (reach > scopeById[id]) {
                    // Own grants come first, so on a tie the explanation names the role itself.
                    scopeById[id] = (byte) reach;
                    widestById[id] = held;
                }
            }
        }

        int[] slotOf = new int[size];
        Arrays.fill(slotOf, NONE);
        int slots = 0;
        for (int id = 0; id < size; id++) {
            List<HeldGrant> conditions = conditionalById.get(id);
            if (conditions != null) {
                int unconditional = scopeById[id];
                conditions.removeIf(c -> c.grant().scope().ordinal() <= unconditional);
                if (conditions.isEmpty()) {
                    conditionalById.set(id, null);
                }
            }
            if (scopeById[id] != NONE || conditionalById.get(id) != null) {
                slotOf[id] = slots++;
            }
        }
        int[] permissionOf = new int[slots];
        byte[] scope = new byte[slots];
        HeldGrant[] widest = new HeldGrant[slots];
        HeldGrant[][] conditional = new HeldGrant[slots][];
        for (int id = 0; id < size; id++) {
            int slot = slotOf[id];
            if (slot == NONE) {
                continue;
            }
            permissionOf[slot] = id;
            scope[slot] = scopeById[id];
            widest[slot] = widestById[id];
            List<HeldGrant> conditions = conditionalById.get(id);
            if (conditions != null) {
                conditions.sort(Comparator.comparing((HeldGrant c) -> c.grant().scope()).reversed());
                conditional[slot] = conditions.toArray(HeldGrant[]::new);
            }
        }
        return new RoleTable(role, slotOf, permissionOf, scope, widest, conditional);
    }

    int slots() {
        return permissionOf.length;
    }
}
