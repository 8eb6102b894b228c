package com.example.shop;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The shop's own JAX-RS application, as most applications write it: it lists nothing. */
@ApplicationPath("api")
public class ShopApplication extends Application {
}
