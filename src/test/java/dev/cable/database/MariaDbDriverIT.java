package dev.cable.database;

import dev.cable.CableDeployment;
import dev.cable.CableDriverContract;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** The driver contract on the database driver with mariadb. */
@ExtendWith(ArquillianExtension.class)
public class MariaDbDriverIT extends DatabaseDriverContract {

    @Deployment
    public static WebArchive deployment() {
        return CableDeployment.war(CableDeployment.database("mariadb"),
                MariaDbDriverIT.class, DatabaseDriverContract.class, CableDriverContract.class);
    }
}
