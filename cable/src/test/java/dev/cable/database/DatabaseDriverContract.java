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

    /**
     * Asking who is present creates nothing: 100 lists of made-up channels used to leave 100
     * permanent cable_channels rows, for anyone who asked (polls create none either).
     */
    @org.junit.jupiter.api.Test
    public void listingTheMembersOfChannelsThatDoNotExistCreatesNoRows() throws Exception {
        String prefix = "made-up-members:" + java.util.UUID.randomUUID() + ":";
        for (int i = 0; i < 100; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), presence().getUsers(prefix + i));
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement count = c.prepareStatement("select count(*) from cable_channels where channel like ?")) {
            count.setString(1, prefix + "%");
            try (java.sql.ResultSet rows = count.executeQuery()) {
                rows.next();
                org.junit.jupiter.api.Assertions.assertEquals(0, rows.getInt(1));
            }
        }
    }
}
