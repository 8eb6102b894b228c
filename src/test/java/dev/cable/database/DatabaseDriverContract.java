package dev.cable.database;

import dev.cable.Cable;
import dev.cable.CableDriverContract;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import javax.sql.DataSource;

/** The driver contract in the container, on the database the deployment is configured for. */
public abstract class DatabaseDriverContract extends CableDriverContract {

    @Inject
    Cable cable;

    @Resource(lookup = CableDataSource.JNDI_NAME)
    DataSource dataSource;

    @Override
    protected Cable cable() {
        return cable;
    }

    @Override
    protected void loseChannel(String channel) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            for (String table : new String[] {"cable_messages", "cable_channels"}) {
                try (PreparedStatement delete = c.prepareStatement("delete from " + table + " where channel = ?")) {
                    delete.setString(1, channel);
                    delete.executeUpdate();
                }
            }
        }
    }
}
