package dev.gatehouse.server.childaccess;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.ChildTenantReach;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantTree;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Designated parent users (seed 003: cross-account access for "Super Admins and designated
 * users"): a user of a parent tenant whose roles there hold {@code children.access} acts in every
 * tenant below it, at any depth, with those same roles, decided by the engine in the parent's own
 * policy. The tree is read on every request (nothing cached), so moving a child changes who may act
 * in it at once. A child that is not active is closed to its parent's users as to everyone.
 */
@Component
class ChildAccess implements ChildTenantReach {

    /** The permission that makes a parent tenant's role reach its children (contract: every tenant pack). */
    static final String PERMISSION = "children.access";

    private final Access access;
    private final TenantTree tree;

    ChildAccess(Access access, TenantTree tree) {
        this.access = access;
        this.tree = tree;
    }

    @Override
    public boolean mayActIn(Caller caller, TenantId target) {
        if (caller.isPlatformOperator() || target.equals(caller.tenant())) {
            return false;
        }
        List<TenantTree.Link> lineage = tree.lineage(target);
        boolean below = lineage.stream().skip(1).anyMatch(link -> link.id().equals(caller.tenant()));
        return below && lineage.getFirst().active() && access.allows(caller, PERMISSION, null);
    }

    @Override
    public List<TenantTree.Link> reachable(Caller caller) {
        if (caller.isPlatformOperator() || !access.allows(caller, PERMISSION, null)) {
            return List.of();
        }
        return tree.descendants(caller.tenant()).stream().filter(TenantTree.Link::active).toList();
    }
}
