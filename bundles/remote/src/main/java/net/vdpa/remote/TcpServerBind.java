package net.vdpa.remote;

import java.util.Optional;
import java.util.function.UnaryOperator;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The bytecode rewrite that makes Aries RSA's TCP server listen on the address it advertises.
 *
 * <p>Aries RSA 1.14's {@code org.apache.aries.rsa.provider.tcp.TCPServer} is constructed as
 * {@code TCPServer(Object service, String hostname, Integer port, int numThreads)} with
 * {@code hostname} = {@code aries.rsa.hostname}, and opens {@code new ServerSocket(port.intValue())}:
 * it ignores the hostname and listens on every interface (a bind address came to Aries only with
 * ARIES-2192, in no release this project resolves). This class turns that one call, in that
 * constructor, into {@code new ServerSocket(port, 50, InetAddress.getByName(hostname))}, 50 being
 * {@code ServerSocket}'s own default backlog. The new code uses {@code java.net} only, so the Aries
 * bundle needs no new import; an unknown hostname throws {@code UnknownHostException}, an
 * {@code IOException} that the constructor's own handler already turns into its failure.
 *
 * <p>The rewritten class carries a constant, {@link #MARK}, so that a class loaded earlier can be
 * told bound or not ({@link #isBound}).
 *
 * <p>It rewrites only a class whose bytes are exactly what it expects: named {@code TCPServer}, with
 * that constructor, holding exactly one {@code new ServerSocket(int)}. Anything else (another Aries
 * version that changed the constructor, or that binds already) is left alone and reported as empty.
 * Pure: bytes in, bytes out; {@link AriesTcpBind} decides where it applies.
 */
final class TcpServerBind {
  /** Internal name of the class rewritten. */
  static final String CLASS = "org/apache/aries/rsa/provider/tcp/TCPServer";
  /** Descriptor of the constructor rewritten: (service, hostname, port, numThreads). */
  static final String CONSTRUCTOR = "(Ljava/lang/Object;Ljava/lang/String;Ljava/lang/Integer;I)V";
  /** Name of the {@code private static final synthetic boolean} (true) a rewritten class carries. */
  static final String MARK = "vdpa$bindsHostname";
  /** Local variable slot of the constructor's {@code hostname}: 0 is {@code this}, 1 the service. */
  private static final int HOSTNAME_SLOT = 2;
  /** What {@code new ServerSocket(int)} uses when it is given no backlog. */
  private static final int BACKLOG = 50;
  private static final String SERVER_SOCKET = "java/net/ServerSocket";
  private static final String ANY_ADDRESS = "(I)V";
  private static final String ONE_ADDRESS = "(IILjava/net/InetAddress;)V";

  private TcpServerBind() {
  }

  /**
   * Returns the class with its server socket bound to the constructor's hostname, or empty when the
   * class is not the one expected (then it must be loaded unchanged).
   */
  static Optional<byte[]> rewrite(byte[] classBytes) {
    ClassReader reader = new ClassReader(classBytes);
    if (!CLASS.equals(reader.getClassName()) || anyAddressCalls(reader) != 1) {
      return Optional.empty();
    }
    ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS); // two more stack slots; no new branch, frames stay
    reader.accept(new InConstructor(new Marked(writer), BindToHostname::new), 0);
    return Optional.of(writer.toByteArray());
  }

  /** Whether a loaded class is one {@link #rewrite} produced. */
  static boolean isBound(Class<?> tcpServer) {
    try {
      return tcpServer.getDeclaredField(MARK).getType() == boolean.class;
    } catch (NoSuchFieldException notRewritten) {
      return false;
    }
  }

  /** How many {@code new ServerSocket(int)} calls the constructor holds. */
  private static int anyAddressCalls(ClassReader reader) {
    int[] calls = {0};
    reader.accept(new InConstructor(null, next -> new MethodVisitor(Opcodes.ASM9, next) {
      @Override
      public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        if (isAnyAddressCall(opcode, owner, name, descriptor)) {
          calls[0]++;
        }
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
      }
    }), ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return calls[0];
  }

  private static boolean isAnyAddressCall(int opcode, String owner, String name, String descriptor) {
    return opcode == Opcodes.INVOKESPECIAL && SERVER_SOCKET.equals(owner) && "<init>".equals(name)
        && ANY_ADDRESS.equals(descriptor);
  }

  /** Hands the visitor of {@link #CONSTRUCTOR} (and only it) to a method visitor of our own. */
  private static final class InConstructor extends ClassVisitor {
    private final UnaryOperator<MethodVisitor> wrap;

    InConstructor(ClassVisitor next, UnaryOperator<MethodVisitor> wrap) {
      super(Opcodes.ASM9, next);
      this.wrap = wrap;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
      MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
      return "<init>".equals(name) && CONSTRUCTOR.equals(descriptor) ? wrap.apply(next) : next;
    }
  }

  /** Adds {@link #MARK}, a constant: no initialiser runs for it. */
  private static final class Marked extends ClassVisitor {
    Marked(ClassVisitor next) {
      super(Opcodes.ASM9, next);
    }

    @Override
    public void visitEnd() {
      super.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_FINAL | Opcodes.ACC_SYNTHETIC, MARK, "Z", null, 1)
          .visitEnd();
      super.visitEnd();
    }
  }

  /**
   * Before the call, the stack holds {@code ServerSocket, ServerSocket, int port}; it pushes the
   * backlog and the resolved hostname and calls the three-argument constructor instead. The
   * inserted instructions sit inside the original call's try block, so its handler covers them.
   */
  private static final class BindToHostname extends MethodVisitor {
    BindToHostname(MethodVisitor next) {
      super(Opcodes.ASM9, next);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
      if (!isAnyAddressCall(opcode, owner, name, descriptor)) {
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        return;
      }
      super.visitIntInsn(Opcodes.BIPUSH, BACKLOG);
      super.visitVarInsn(Opcodes.ALOAD, HOSTNAME_SLOT);
      super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/net/InetAddress", "getByName",
          "(Ljava/lang/String;)Ljava/net/InetAddress;", false);
      super.visitMethodInsn(Opcodes.INVOKESPECIAL, SERVER_SOCKET, "<init>", ONE_ADDRESS, false);
    }
  }
}
