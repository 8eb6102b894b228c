package com.example.shop;

/** An order larger than the stock; thrown inside the transaction, so it rolls back. */
public class OutOfStock extends RuntimeException {

    public OutOfStock(String item, int quantity) {
        super("only " + OrderService.STOCK + " of '" + item + "' in stock, " + quantity + " ordered");
    }
}
