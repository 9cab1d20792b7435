// A Neo4j 5.26 Community server embedded in a small launcher, with Bolt on, for idgraph's tests and
// local use: Neo4j's server tarball is not on Maven Central, its jars are. Loopback only, auth and
// TLS off, explicit page cache; the advertised address is set so neo4j:// routing works.
// Usage: java -Xmx2g -cp <classpath> EmbeddedNeo4j <home dir> <bolt port>
import java.nio.file.Path;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

public final class EmbeddedNeo4j {
  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    long pageCache = args.length > 2 ? Long.parseLong(args[2]) : 1024L * 1024 * 1024;
    DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
        .setConfig(BoltConnector.enabled, true)
        .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
        .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
        .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
        .setConfig(GraphDatabaseSettings.auth_enabled, false)
        .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
        .build();
    Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown));
    GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
    db.executeTransactionally("RETURN 1");
    System.out.println("NEO4J READY bolt://127.0.0.1:" + port);
    System.out.flush();
    Thread.currentThread().join();
  }
}
