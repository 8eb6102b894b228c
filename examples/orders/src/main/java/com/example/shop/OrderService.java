package com.example.shop;

import dev.cable.Cable;
import dev.cable.CableBroadcast;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;

/**
 * Places orders. The order row, the {@code order:placed} event and the {@code stock:changed}
 * broadcast share one fate: all of them happen when the transaction commits, none when it rolls back.
 */
@ApplicationScoped
public class OrderService {

    /** The channel the shop's page follows. */
    public static final String ORDERS = "orders";

    /** More than this in one order is refused, after the order and its event were written. */
    static final int STOCK = 100;

    @PersistenceContext
    EntityManager em;

    @Inject
    Cable cable;

    @Inject
    Event<CableBroadcast> broadcasts;

    @Transactional
    public PlacedOrder place(String item, int quantity) {
        PlacedOrder order = new PlacedOrder(item, quantity);
        em.persist(order);
        em.flush();
        cable.to(ORDERS).emit("order:placed", Map.of("id", order.getId(), "item", item, "quantity", quantity));
        broadcasts.fire(new CableBroadcast(ORDERS, "stock:changed", Map.of("item", item, "taken", quantity)));
        if (quantity > STOCK) {
            // Checked last on purpose: the rollback must take back the row and the event.
            throw new OutOfStock(item, quantity);
        }
        return order;
    }

    public List<PlacedOrder> all() {
        return em.createQuery("select o from PlacedOrder o order by o.id", PlacedOrder.class).getResultList();
    }
}
