package com.walkindb.server.startup;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The system's reason for a failure, as one phrase. Java drops it from some exceptions (an
 * {@link AccessDeniedException}'s message is the bare path), so those get the words the system
 * would have used.
 */
public final class OsReason {
    private OsReason() {}

    /** "PATH: REASON" for a file-system failure; for any other, the message of its innermost cause. */
    public static String of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FileSystemException fs) {
                return fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile()) + ": " + reason(fs);
            }
        }
        Throwable innermost = failure;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        String message = innermost.getMessage();
        return message == null || message.isBlank() ? innermost.getClass().getSimpleName() : message;
    }

    private static String reason(FileSystemException e) {
        if (e.getReason() != null) {
            return e.getReason();
        }
        return switch (e) {
            case AccessDeniedException x -> "Permission denied";
            case NoSuchFileException x -> "No such file or directory";
            case FileAlreadyExistsException x -> "File exists";
            case NotDirectoryException x -> "Not a directory";
            case DirectoryNotEmptyException x -> "Directory not empty";
            default -> e.getClass().getSimpleName();
        };
    }
}
