package dev.cable.database;

import dev.cable.CableDeployment;
import dev.cable.InContainerSuite;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every backend contract (driver, presence, transactions, batching) on the database driver with postgresql. */
@ExtendWith(ArquillianExtension.class)
public class PostgreSqlDriverIT extends DatabaseDriverContract {

    @Deployment
    public static WebArchive deployment() {
        return CableDeployment.war(CableDeployment.database("postgresql"),
                PostgreSqlDriverIT.class, DatabaseDriverContract.class)
                .addClasses(InContainerSuite.CLASSES);
    }
}
