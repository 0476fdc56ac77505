package io.peregrine.common.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * One identity (key and chain) that can be swapped while handshakes run. Every handshake asks for an alias first,
 * then for the chain and the key of that alias: the alias names the generation it came from, so a swap between the
 * two calls can never pair the new chain with the old key. The generation before the current one stays readable for
 * handshakes already under way.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "peregrine";
  private static final char[] NO_PASSWORD = new char[0];

  private record Generation(long id, X509ExtendedKeyManager delegate) {
    String alias() {
      return "g" + id;
    }
  }

  private volatile Generation current;
  private volatile Generation previous;

  ReloadingKeyManager(PrivateKey key, X509Certificate[] chain) {
    current = new Generation(0, build(key, chain));
  }

  void update(PrivateKey key, X509Certificate[] chain) {
    Generation next = new Generation(current.id() + 1, build(key, chain));
    previous = current;
    current = next;
  }

  private static X509ExtendedKeyManager build(PrivateKey key, X509Certificate[] chain) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(ALIAS, key, NO_PASSWORD, chain);
      // SunX509 matches the key type a handshake asks for (RSA, EC) and the issuers a server accepts
      KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
      factory.init(store, NO_PASSWORD);
      for (KeyManager m : factory.getKeyManagers()) {
        if (m instanceof X509ExtendedKeyManager x) {
          return x;
        }
      }
      throw new TlsException("the JVM's SunX509 key manager factory made no X509ExtendedKeyManager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new TlsException("cannot hold the key and certificate: " + e.getMessage(), e);
    }
  }

  private Generation of(String alias) {
    Generation c = current;
    if (c.alias().equals(alias)) {
      return c;
    }
    Generation p = previous;
    return p != null && p.alias().equals(alias) ? p : null;
  }

  private static String tagged(Generation g, String delegateAlias) {
    return delegateAlias == null ? null : g.alias();
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    Generation g = current;
    return tagged(g, g.delegate().chooseEngineServerAlias(keyType, issuers, engine));
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    Generation g = current;
    return tagged(g, g.delegate().chooseEngineClientAlias(keyType, issuers, engine));
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    Generation g = current;
    return tagged(g, g.delegate().chooseServerAlias(keyType, issuers, socket));
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    Generation g = current;
    return tagged(g, g.delegate().chooseClientAlias(keyType, issuers, socket));
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    Generation g = current;
    return g.delegate().getServerAliases(keyType, issuers) == null ? null : new String[] {g.alias()};
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    Generation g = current;
    return g.delegate().getClientAliases(keyType, issuers) == null ? null : new String[] {g.alias()};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Generation g = of(alias);
    return g == null ? null : g.delegate().getCertificateChain(ALIAS);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Generation g = of(alias);
    return g == null ? null : g.delegate().getPrivateKey(ALIAS);
  }
}
