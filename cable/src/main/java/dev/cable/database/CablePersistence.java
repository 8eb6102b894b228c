package dev.cable.database;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.function.Function;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.jpa.HibernatePersistenceProvider;

/**
 * Cable's own JPA persistence unit, built by Cable rather than declared in a persistence.xml: a
 * library's persistence.xml would put a second unit in the application's scope and break the
 * application's {@code @PersistenceContext} without a unit name. The unit works on the datasource
 * named by {@code cable.database.datasource}; when that is the application's datasource, an emit in
 * the application's transaction runs on the application's connection (no XA).
 *
 * <p>{@link #joined()} is the transaction-scoped EntityManager a container would inject: one per JTA
 * transaction, closed by Hibernate when the transaction ends. The factory is built on first use and
 * built again after a failure (a database that is down at start-up needs no restart).
 */
@ApplicationScoped
public class CablePersistence {

    /** Key of the current transaction's EntityManager in the transaction's resources. */
    private static final Object TRANSACTION_KEY = new Object();

    static final String NO_DATASOURCE = "cable.database.datasource names '%s', which is not bound in JNDI: "
            + "name your application's datasource (e.g. java:comp/DefaultDataSource) or leave the default "
            + "java:app/jdbc/cable (Cable's own, set by cable.datasource.class and cable.datasource.url)";

    @Inject
    @ConfigProperty(name = "cable.database.datasource")
    String dataSourceName;

    @Resource
    TransactionSynchronizationRegistry transactions;

    private volatile DataSource dataSource;
    private volatile EntityManagerFactory factory;

    /** The datasource Cable's tables live in, looked up once. */
    public DataSource dataSource() {
        DataSource known = dataSource;
        if (known == null) {
            try {
                known = (DataSource) new InitialContext().lookup(dataSourceName);
            } catch (NamingException | ClassCastException e) {
                throw new IllegalStateException(String.format(NO_DATASOURCE, dataSourceName), e);
            }
            dataSource = known;
        }
        return known;
    }

    /** The EntityManager of the current JTA transaction; only call it inside one. */
    public EntityManager joined() {
        EntityManager em = (EntityManager) transactions.getResource(TRANSACTION_KEY);
        if (em == null) {
            // Created inside an active JTA transaction, an application-managed JTA EntityManager
            // joins it (JPA 3.1, 7.7); auto_close_session closes it when the transaction ends.
            em = factory().createEntityManager();
            transactions.putResource(TRANSACTION_KEY, em);
        }
        return em;
    }

    /** Runs a read in the caller's transaction if it has one, else on an EntityManager of its own. */
    public <T> T reading(Function<EntityManager, T> query) {
        if (transactions.getTransactionStatus() == Status.STATUS_ACTIVE) {
            return query.apply(joined());
        }
        try (EntityManager reader = factory().createEntityManager()) {
            return query.apply(reader);
        }
    }

    private EntityManagerFactory factory() {
        EntityManagerFactory known = factory;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (factory == null) {
                factory = new HibernatePersistenceProvider().createContainerEntityManagerFactory(
                        new CablePersistenceUnit(dataSource()), CablePersistenceUnit.SETTINGS);
            }
            return factory;
        }
    }

    @PreDestroy
    void close() {
        EntityManagerFactory known = factory;
        if (known != null && known.isOpen()) {
            known.close();
        }
    }
}
