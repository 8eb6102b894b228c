package com.example.shop;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The shop's own entity, in the shop's own persistence unit. */
@Entity
@Table(name = "shop_orders")
public class PlacedOrder {

    @Id
    @GeneratedValue
    private Long id;

    private String item;

    private int quantity;

    private Instant placedAt;

    protected PlacedOrder() {
    }

    public PlacedOrder(String item, int quantity) {
        this.item = item;
        this.quantity = quantity;
        this.placedAt = Instant.now();
    }

    public Long getId() {
        return id;
    }

    public String getItem() {
        return item;
    }

    public int getQuantity() {
        return quantity;
    }

    public Instant getPlacedAt() {
        return placedAt;
    }
}
