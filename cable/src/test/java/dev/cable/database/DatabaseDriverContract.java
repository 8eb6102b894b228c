package dev.cable.database;

import dev.cable.InContainerSuite;
import jakarta.annotation.Resource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import javax.sql.DataSource;

/** The in-container suite on the database the deployment is configured for. */
public abstract class DatabaseDriverContract extends InContainerSuite {

    @Resource(lookup = CableDataSource.JNDI_NAME)
    DataSource dataSource;

    @Override
    protected void loseChannel(String channel) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            for (String table : new String[] {"cable_messages", "cable_presence_sessions", "cable_presence",
                "cable_channels"}) {
                try (PreparedStatement delete = c.prepareStatement("delete from " + table + " where channel = ?")) {
                    delete.setString(1, channel);
                    delete.executeUpdate();
                }
            }
        }
    }
}
