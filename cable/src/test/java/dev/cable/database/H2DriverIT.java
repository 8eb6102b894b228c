package dev.cable.database;

import dev.cable.CableDeployment;
import dev.cable.InContainerSuite;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every backend contract (driver, presence, transactions, batching) on the database driver with h2. */
@ExtendWith(ArquillianExtension.class)
public class H2DriverIT extends DatabaseDriverContract {

    @Deployment
    public static WebArchive deployment() {
        return CableDeployment.war(CableDeployment.database("h2"),
                H2DriverIT.class, DatabaseDriverContract.class)
                .addClasses(InContainerSuite.CLASSES);
    }
}
