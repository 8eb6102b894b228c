package com.example.shop;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code POST /api/orders {"item": "tea", "quantity": 2}} places an order; {@code GET /api/orders} lists them. */
@Path("orders")
@Produces(MediaType.APPLICATION_JSON)
public class OrdersResource {

    @Inject
    OrderService orders;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response place(JsonObject request) {
        String item = request.getString("item", "");
        int quantity = request.getInt("quantity", 1);
        if (item.isBlank() || quantity < 1) {
            return Response.status(400).entity(error("an order needs an item and a quantity of at least 1")).build();
        }
        try {
            return Response.status(201).entity(json(orders.place(item, quantity))).build();
        } catch (OutOfStock e) {
            return Response.status(409).entity(error(e.getMessage())).build();
        }
    }

    @GET
    public String list() {
        JsonArrayBuilder all = Json.createArrayBuilder();
        orders.all().forEach(order -> all.add(json(order)));
        return all.build().toString();
    }

    private static JsonObject json(PlacedOrder order) {
        return Json.createObjectBuilder().add("id", order.getId()).add("item", order.getItem())
                .add("quantity", order.getQuantity()).add("placedAt", order.getPlacedAt().toString()).build();
    }

    private static String error(String message) {
        return Json.createObjectBuilder().add("error", message).build().toString();
    }
}
