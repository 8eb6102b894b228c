package dev.cable.database;

import jakarta.persistence.SharedCacheMode;
import jakarta.persistence.ValidationMode;
import jakarta.persistence.spi.ClassTransformer;
import jakarta.persistence.spi.PersistenceUnitInfo;
import jakarta.persistence.spi.PersistenceUnitTransactionType;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.hibernate.jpa.HibernatePersistenceProvider;

/** What a persistence.xml would say about Cable's unit: its entities, its datasource, Hibernate's settings. */
final class CablePersistenceUnit implements PersistenceUnitInfo {

    static final List<String> ENTITIES = List.of(ChannelRow.class.getName(), MessageRow.class.getName(),
            PresenceRow.class.getName(), PresenceSessionRow.class.getName(), PresenceChannelRow.class.getName(),
            IdempotencyRow.class.getName());

    static final Map<String, Object> SETTINGS = Map.of(
            // Payara's transaction manager; without it Hibernate finds no JTA platform
            "hibernate.transaction.jta.platform",
            "org.hibernate.engine.transaction.jta.platform.internal.SunOneJtaPlatform",
            // the EntityManager of a transaction (CablePersistence.joined) ends with it
            "hibernate.transaction.auto_close_session", "true",
            // One connection for all statements of a transaction, held until it ends. Hibernate's JTA
            // default takes a connection per statement and relies on the container handing back the
            // same one; where it does not (Payara, without the container's own JPA integration),
            // the UPDATE of the sequence row and the INSERT of the message can land on two XA
            // branches that commit one after the other, and a reader sees the head move before the
            // message exists (a reset in the concurrent-emitters contract test, 1 run in 3 on H2).
            "hibernate.connection.handling_mode", "DELAYED_ACQUISITION_AND_RELEASE_AFTER_TRANSACTION",
            // bytecode enhancement clashes with Payara's class loading
            "hibernate.enhancer.enableDirtyTracking", "false",
            "hibernate.enhancer.enableLazyInitialization", "false",
            "hibernate.enhancer.enableAssociationManagement", "false",
            // the tables come from db/*.sql (SchemaInstaller)
            "hibernate.hbm2ddl.auto", "none",
            "jakarta.persistence.schema-generation.database.action", "none",
            "hibernate.jdbc.time_zone", "UTC",
            "hibernate.boot.allow_jdbc_metadata_access", "true");

    private final DataSource dataSource;

    CablePersistenceUnit(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public String getPersistenceUnitName() {
        return "cable";
    }

    @Override
    public String getPersistenceProviderClassName() {
        return HibernatePersistenceProvider.class.getName();
    }

    @Override
    public PersistenceUnitTransactionType getTransactionType() {
        return PersistenceUnitTransactionType.JTA;
    }

    @Override
    public DataSource getJtaDataSource() {
        return dataSource;
    }

    @Override
    public DataSource getNonJtaDataSource() {
        return null;
    }

    @Override
    public List<String> getMappingFileNames() {
        return List.of();
    }

    @Override
    public List<URL> getJarFileUrls() {
        return List.of();
    }

    @Override
    public URL getPersistenceUnitRootUrl() {
        return null;
    }

    @Override
    public List<String> getManagedClassNames() {
        return ENTITIES;
    }

    @Override
    public boolean excludeUnlistedClasses() {
        return true;
    }

    @Override
    public SharedCacheMode getSharedCacheMode() {
        return SharedCacheMode.NONE;
    }

    @Override
    public ValidationMode getValidationMode() {
        return ValidationMode.NONE;
    }

    @Override
    public Properties getProperties() {
        return new Properties();
    }

    @Override
    public String getPersistenceXMLSchemaVersion() {
        return "3.0";
    }

    @Override
    public ClassLoader getClassLoader() {
        return CablePersistenceUnit.class.getClassLoader();
    }

    @Override
    public void addTransformer(ClassTransformer transformer) {
        // no bytecode enhancement (see SETTINGS)
    }

    @Override
    public ClassLoader getNewTempClassLoader() {
        return null;
    }
}
